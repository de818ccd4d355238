"""Dot-and-whisker SVG plots (matplotlib, Agg) whose bytes depend only on the data.

Determinism matters because the site is committed and diffed: `svg.hashsalt` fixes the ids
matplotlib would otherwise randomise, `metadata={"Date": None}` drops the timestamp, and
`svg.fonttype: none` writes text as text (no glyph paths that vary with the installed fonts'
rendering). Labels are drawn with `parse_math=False` so a model name containing `$` is text, not
mathtext (which could raise or render something else).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (after selecting the backend)

pyplot = plt  # for the other plot modules, which must not import pyplot before the backend

RC: Any = {"text.parse_math": False, "svg.hashsalt": "collective-bench", "svg.fonttype": "none",
          "font.size": 10.0, "font.family": "DejaVu Sans", "axes.spines.top": False,
          "axes.spines.right": False}
MAX_LABEL = 44
WIDTH_IN = 5.2  # with 10 pt text: >= 10.7 px when the plot is shown 400 px wide


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None
    low: float | None
    high: float | None
    baseline: bool = False
    note: str = ""  # shown for a point without a value, e.g. "> 0.38" (censored); else "n/a"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "\u2026"


def dot_whisker_svg(points: Sequence[Point], xlabel: str) -> bytes:
    """One row per point, top to bottom in the given order; null values are listed as 'n/a'
    (or with their note, e.g. "> 0.38" for a censored value).

    The layout is computed from the label lengths instead of `tight_layout`, which measured
    every label again and doubled the cost (the site draws one plot per task and metric).
    """
    shown = list(points)
    count = max(len(shown), 1)
    height = 0.95 + 0.28 * count
    labels = [_short(p.label) + (f" ({p.note or 'n/a'})" if p.value is None else "")
              for p in shown]
    left = min(0.04 + 0.0152 * max((len(label) for label in labels), default=1), 0.6)
    with plt.rc_context(RC):
        fig = plt.figure(figsize=(WIDTH_IN, height))
        try:
            ax = fig.add_axes((left, 0.5 / height, 0.96 - left, 1 - 0.65 / height))
            ys = list(range(len(shown)))[::-1]
            for baseline, color in ((False, "#1f5fa8"), (True, "#777777")):
                dots = [(y, p.value) for y, p in zip(ys, shown, strict=True)
                        if p.baseline == baseline and p.value is not None]
                bars = [(y, p.low, p.high) for y, p in zip(ys, shown, strict=True)
                        if p.baseline == baseline and p.value is not None
                        and p.low is not None and p.high is not None]
                if bars:
                    ax.hlines([b[0] for b in bars], [b[1] for b in bars], [b[2] for b in bars],
                              color=color, linewidth=1.6)
                if dots:
                    ax.plot([d[1] for d in dots], [d[0] for d in dots], "o", color=color,
                            markersize=4.5, markerfacecolor="white" if baseline else color)
            ax.set_yticks(ys, labels, parse_math=False)
            ax.set_ylim(-0.7, count - 0.3)
            ax.set_xlabel(xlabel, parse_math=False)
            ax.grid(axis="x", color="#dddddd", linewidth=0.6)
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        finally:
            plt.close(fig)
    return buffer.getvalue().encode("utf-8")
