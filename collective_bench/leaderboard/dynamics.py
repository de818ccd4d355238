"""Dynamics across episodes: a median line with an interquartile band per run, and the plots.

Episodes of one run can end at different steps (a naming game stops at consensus, a lake that
collapses ends its episode): on a step axis each episode's series is held at its last defined
value up to the longest episode, because these series describe a state that persists (the
convention formed, the lake is empty). Categorical axes (values, k) are never padded. The band
is the 25th-75th percentile across episodes at each x; NaN points (undefined) are left out.

Plots are SVG with text as text, a fixed `svg.hashsalt` and no date, so the bytes depend on the
data only. Figures are 4.8 in wide with 10 pt text: rendered at 400 px wide, text is >= 11 px.
"""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET  # noqa: N817 - matplotlib's own SVG, not untrusted input
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from collective_bench.leaderboard.plots import RC
from collective_bench.leaderboard.plots import pyplot as plt
from collective_bench.scorers.dynamics import Spec, x_values

WIDTH_IN = 4.8
FONT_PT = 10.0
PANEL_IN = 1.9
PALETTE = ("#1f5fa8", "#d1495b", "#2a9d8f", "#e9a03b", "#7b4fa8", "#8c564b", "#e377c2",
           "#17becf", "#bcbd22", "#4d4d4d")
BASELINE_STYLES = ((0, (1, 1.5)), (0, (5, 2)), (0, (6, 2, 1.5, 2)), (0, (2, 2)))
BASELINE_COLOURS = ("#8a8a8a", "#b07d48", "#4f7f6a", "#8e7cc3")


@dataclass(frozen=True)
class Band:
    x: tuple[float, ...] | tuple[str, ...]
    median: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    episodes: int


def _held(values: Sequence[float], length: int) -> list[float]:
    out = list(values)
    last = next((v for v in reversed(out) if not math.isnan(v)), math.nan)
    return out + [last] * (length - len(out))


def spec_key(spec: Spec) -> tuple[Any, ...]:
    """What of a spec a plot shows (not its series function, whose repr is an address)."""
    return (spec.x_label, spec.panels, spec.x, spec.start, spec.group)


def band(spec: Spec, summaries: Sequence[Mapping[str, object]],
         series: Sequence[Sequence[float]]) -> Band | None:
    """Median and interquartile band of one series across episodes (None if no point)."""
    kept = [(s, list(v)) for s, v in zip(summaries, series, strict=True) if len(v)]
    if not kept:
        return None
    length = max(len(v) for _, v in kept)
    if spec.x == "step":
        rows = [_held(v, length) for _, v in kept]
    else:
        rows = [v + [math.nan] * (length - len(v)) for _, v in kept]
    matrix = np.array(rows, dtype=float)
    longest = max(kept, key=lambda item: len(item[1]))[0]
    xs = x_values(spec, longest, length)
    med, low, high = [], [], []
    for column in matrix.T:
        defined = column[~np.isnan(column)]
        q25, q50, q75 = (np.percentile(defined, [25, 50, 75]) if defined.size
                         else (math.nan, math.nan, math.nan))
        med.append(float(q50))
        low.append(float(q25))
        high.append(float(q75))
    n = len(xs)
    return Band(tuple(xs), tuple(med[:n]), tuple(low[:n]), tuple(high[:n]), len(kept))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Line:
    label: str
    baseline: bool
    bands: Mapping[str, Band]  # panel key -> band


def _positions(xs: Sequence[float] | Sequence[str]) -> list[float]:
    return [float(i) for i in range(len(xs))] if xs and isinstance(xs[0], str) else \
        [float(x) for x in xs]


def _style(lines: Sequence[Line]) -> list[dict[str, Any]]:
    styles: list[dict[str, Any]] = []
    colour = grey = 0
    for line in lines:  # baselines: muted colours and dashes; models: solid, strong colours
        if line.baseline:
            styles.append({"color": BASELINE_COLOURS[grey % len(BASELINE_COLOURS)],
                           "linestyle": BASELINE_STYLES[grey % len(BASELINE_STYLES)],
                           "linewidth": 1.7})
            grey += 1
        else:
            styles.append({"color": PALETTE[colour % len(PALETTE)], "linestyle": "-",
                           "linewidth": 2.2})
            colour += 1
    return styles


def _svg(fig: Figure) -> bytes:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue().encode("utf-8")


def _figure(spec: Spec, legend_rows: int) -> tuple[Figure, list[Axes], float]:
    categorical = spec.x == "values"
    bottom = 1.25 if categorical else 0.45  # room for rotated category names
    legend = 0.25 * legend_rows + (0.15 if legend_rows else 0.0)
    panels = len(spec.panels)
    height = legend + panels * (PANEL_IN + bottom) + 0.3 + 0.25  # x label, top margin
    fig = plt.figure(figsize=(WIDTH_IN, height))
    axes = []
    top = height - 0.25
    for panel in spec.panels:
        ax_top = top
        ax_bottom = ax_top - PANEL_IN
        ax = fig.add_axes((0.78 / WIDTH_IN, ax_bottom / height,
                           (WIDTH_IN - 0.95) / WIDTH_IN, PANEL_IN / height))
        ax.set_ylabel(panel.label, parse_math=False)
        ax.grid(color="#e3e3e3", linewidth=0.6)
        axes.append(ax)
        top = ax_bottom - bottom
    axes[-1].set_xlabel(spec.x_label, parse_math=False)
    return fig, axes, height


def _finish_axes(spec: Spec, axes: Sequence[Axes], xs: Sequence[float] | Sequence[str]) -> None:
    for ax, panel in zip(axes, spec.panels, strict=True):
        ax.autoscale_view()
        if panel.low is not None:
            ax.set_ylim(bottom=panel.low)
        if panel.high is not None:
            ax.set_ylim(top=panel.high)
        if spec.x == "values":
            ax.set_xticks(range(len(xs)), [str(x).replace("_", " ") for x in xs],
                          rotation=55, ha="right", rotation_mode="anchor")
        elif spec.x == "ks":
            ax.set_xticks(_positions(xs))
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def dynamics_svg(spec: Spec, lines: Sequence[Line]) -> bytes:
    """One panel per series, one median line and band per run; legend under the panels."""
    with plt.rc_context({**RC, "font.size": FONT_PT}):
        fig, axes, height = _figure(spec, len(lines))
        try:
            xs_all: Sequence[float] | Sequence[str] = ()
            for line, style in zip(lines, _style(lines), strict=True):
                for ax, panel in zip(axes, spec.panels, strict=True):
                    got = line.bands.get(panel.key)
                    if got is None:
                        continue
                    xs = _positions(got.x)
                    if len(got.x) > len(xs_all):
                        xs_all = got.x
                    ax.fill_between(xs, got.low, got.high, color=style["color"],
                                    alpha=0.13 if line.baseline else 0.2, linewidth=0)
                    ax.plot(xs, got.median, label=line.label, marker="o" if len(xs) <= 3
                            else None, markersize=4, **style)
            _finish_axes(spec, axes, xs_all)
            if lines:
                handles, labels = axes[0].get_legend_handles_labels()
                fig.legend(handles, labels, loc="lower left", bbox_to_anchor=(0.02, 0.0),
                           frameon=False, ncol=1, handlelength=2.6, borderaxespad=0.2)
            return _svg(fig)
        finally:
            plt.close(fig)


SVG_NS = "http://www.w3.org/2000/svg"
_NAMESPACES = {"": SVG_NS, "xlink": "http://www.w3.org/1999/xlink",
               "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
               "cc": "http://creativecommons.org/ns#", "dc": "http://purl.org/dc/elements/1.1/"}
EPISODE_GID = "cb-episode-"


def _keep_only(root: ET.Element, keep: str) -> None:
    """Empty every episode's line group except `keep`'s; their <defs> stay, because matplotlib
    defines a marker once, in the first line that uses it, and the other lines refer to it."""
    for group in root.iter(f"{{{SVG_NS}}}g"):
        gid = group.get("id", "")
        if gid.startswith(EPISODE_GID) and not gid.startswith(f"{keep}-"):
            for child in list(group):
                if child.tag != f"{{{SVG_NS}}}defs":
                    group.remove(child)


def episode_svgs(spec: Spec, context: Mapping[str, Band],
                 episodes: Sequence[tuple[Mapping[str, Sequence[float]], Mapping[str, object]]],
                 ) -> list[bytes]:
    """Each episode's series (solid) over its run's median and interquartile band (grey), one
    SVG per episode, from ONE drawing: every episode's line is drawn into one figure (each in
    its own SVG group), the figure is saved once and each episode's file keeps only its own
    line. Drawing the axes, ticks and labels once per group instead of once per episode made
    the episode plots ~4x cheaper (they were most of the site build). The axes are scaled to
    the whole group, so an episode's page shows it on the same scale as its siblings."""
    if not episodes:
        return []
    with plt.rc_context({**RC, "font.size": FONT_PT}):
        fig, axes, _ = _figure(spec, 2)
        try:
            xs_all: Sequence[float] | Sequence[str] = ()
            for ax, panel in zip(axes, spec.panels, strict=True):
                run = context.get(panel.key)
                if run is not None:
                    ax.fill_between(_positions(run.x), run.low, run.high, color="#999999",
                                    alpha=0.25, linewidth=0)
                    ax.plot(_positions(run.x), run.median, color="#777777", linestyle="--",
                            linewidth=1.4, label="run median (band: 25-75%)")
                    if len(run.x) > len(xs_all):
                        xs_all = run.x
                ax.plot([], [], color=PALETTE[0], linewidth=2.0, marker="o", markersize=3.5,
                        label="this episode")  # the legend's entry; the data lines follow
            handles, labels = axes[0].get_legend_handles_labels()
            fig.legend(handles, labels, loc="lower left", bbox_to_anchor=(0.02, 0.0),
                       frameon=False, ncol=1, borderaxespad=0.2)
            for i, (series, summary) in enumerate(episodes):
                for k, (ax, panel) in enumerate(zip(axes, spec.panels, strict=True)):
                    values = list(series.get(panel.key, ()))
                    xs = x_values(spec, summary, len(values))
                    ax.plot(_positions(xs), values[:len(xs)], color=PALETTE[0], linewidth=2.0,
                            marker="o", markersize=3.5, gid=f"{EPISODE_GID}{i}-{k}")
                    if len(xs) > len(xs_all):
                        xs_all = xs
            for ax in axes:
                ax.relim()
            _finish_axes(spec, axes, xs_all)
            drawn = _svg(fig)
        finally:
            plt.close(fig)
    if len(episodes) == 1:
        return [drawn]
    for prefix, uri in _NAMESPACES.items():
        ET.register_namespace(prefix, uri)
    out = []
    for i in range(len(episodes)):
        root = ET.fromstring(drawn)
        _keep_only(root, f"{EPISODE_GID}{i}")
        out.append(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    return out


def episode_svg(spec: Spec, series: Mapping[str, Sequence[float]],
                summary: Mapping[str, object], context: Mapping[str, Band]) -> bytes:
    """One episode's series (solid) over its run's median and interquartile band (grey)."""
    return episode_svgs(spec, context, [(series, summary)])[0]
