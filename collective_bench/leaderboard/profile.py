"""The picture a model card leads with: the model's headline score on every task, each in its own
small panel (its own scale: the metrics have different units) beside the baselines' scores.

One panel per task and protocol group of the model's newest release: the model (solid, blue)
and each reference policy run at the same protocol (hollow, grey) as a dot with its 95% CI; the
better direction is in the panel title, and the group when it is not the default protocol. A
censored value is written as its bound ("> 0.38"), never drawn as the number reported for it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from collective_bench.leaderboard.censoring import Censoring
from collective_bench.leaderboard.dynamics import FONT_PT, WIDTH_IN
from collective_bench.leaderboard.overview import headline
from collective_bench.leaderboard.plots import RC
from collective_bench.leaderboard.plots import pyplot as plt
from collective_bench.leaderboard.protocols import Protocols
from collective_bench.leaderboard.releases import Run
from collective_bench.leaderboard.schema import Schema, TaskInfo
from collective_bench.leaderboard.view import is_baseline

COLUMNS = 2
PANEL_IN = 1.25


@dataclass(frozen=True)
class Entry:
    label: str
    value: float | None
    low: float | None
    high: float | None
    own: bool
    note: str = ""  # written instead of a dot when the value is censored or undefined


@dataclass(frozen=True)
class Panel:
    title: str
    entries: tuple[Entry, ...]


def _entry(label: str, run: Run, metric: str, own: bool, censoring: Censoring) -> Entry | None:
    row = run.metric(metric)
    if row is None:
        return None
    note = censoring.text(run, row)
    if note:
        return Entry(label, None, None, None, own, note)
    return Entry(label, row.value, row.ci_low, row.ci_high, own)


def model_profile(model: str, runs: Sequence[Run], all_runs: Sequence[Run],
                  tasks: Mapping[str, TaskInfo], schema: Schema, protocols: Protocols,
                  censoring: Censoring | None = None) -> list[Panel]:
    """Panels for `model`'s newest release: its headline per task and protocol group, and the
    baselines' at the same protocol beside."""
    censoring = censoring or Censoring()
    mine = [r for r in runs if r.model == model]
    if not mine:
        return []
    newest = max(mine, key=lambda r: (r.release.published, r.release.date)).release
    panels = []
    for run in sorted((r for r in mine if r.release == newest),
                      key=lambda r: (r.task, protocols.of(r).order)):
        metric = headline(run.task, run.first.family, tasks, schema)
        name = model.split("/")[-1] if is_baseline(model) else "this model"
        own = _entry(name, run, metric, True, censoring)
        if own is None:
            continue
        entries = [own]
        for other in sorted(all_runs, key=lambda r: r.model):
            if (other.release == newest and other.task == run.task and other.model != model
                    and is_baseline(other.model) and not other.roles
                    and other.first.protocol == run.first.protocol):
                entry = _entry(other.model.split("/")[-1], other, metric, False, censoring)
                if entry is not None:
                    entries.append(entry)
        info = schema.metric(metric)
        arrow = {"higher": " \u2191", "lower": " \u2193"}.get(info.direction, "")
        group = protocols.of(run)
        where = "" if group.default else f" ({group.tag or group.label})"
        panels.append(Panel(f"{run.task}{where}\n{info.display}{arrow}", tuple(entries)))
    return panels


def profile_svg(panels: Sequence[Panel]) -> bytes:
    rows = max(math.ceil(len(panels) / COLUMNS), 1)
    height = rows * PANEL_IN + 0.2
    with plt.rc_context({**RC, "font.size": FONT_PT}):
        fig = plt.figure(figsize=(WIDTH_IN, height))
        try:
            width = WIDTH_IN / COLUMNS
            for i, panel in enumerate(panels):
                col, row = i % COLUMNS, i // COLUMNS
                left = col * width + 0.8
                bottom = height - 0.1 - (row + 1) * PANEL_IN + 0.3
                ax = fig.add_axes((left / WIDTH_IN, bottom / height,
                                   (width - 0.92) / WIDTH_IN, (PANEL_IN - 0.75) / height))
                ys = list(range(len(panel.entries)))[::-1]
                for y, entry in zip(ys, panel.entries, strict=True):
                    colour = "#1f5fa8" if entry.own else "#777777"
                    if entry.value is None:  # censored ("> 0.38") or undefined: said, not drawn
                        ax.text(0.5, y, entry.note or "n/a", transform=ax.get_yaxis_transform(),
                                ha="center", va="center", color=colour)
                        continue
                    if entry.low is not None and entry.high is not None:
                        ax.hlines([y], [entry.low], [entry.high], color=colour, linewidth=1.6)
                    ax.plot([entry.value], [y], "o", color=colour, markersize=4.5,
                            markerfacecolor=colour if entry.own else "white")
                ax.set_yticks(ys, [e.label for e in panel.entries], parse_math=False)
                ax.set_ylim(-0.6, len(panel.entries) - 0.4)
                ax.set_title(panel.title, loc="left", fontsize=FONT_PT, parse_math=False)
                ax.locator_params(axis="x", nbins=3)
                ax.grid(axis="x", color="#e3e3e3", linewidth=0.6)
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        finally:
            plt.close(fig)
    return buffer.getvalue().encode("utf-8")
