"""Dynamics on task pages and the per-episode drill-down, from the episodes read out of the logs.

Each run (one log of one model on one task) gets its episodes' series aggregated into a median
line with an interquartile band; a task page draws every run of a release and protocol group on
one figure (same protocol, so lines are comparable; `protocols`). Each episode gets a page: its
seed, resolved protocol, summary, per-episode scores, its trajectory over its run's band, a
JSON export of the episode, and the `.eval` log it came from, copied into the site while the
logs fit the size budget (`log_budget` bytes in all; beyond it the page says the log was left
out and why).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from collective_bench.leaderboard.dynamics import (
    Band,
    Line,
    band,
    dynamics_svg,
    episode_svgs,
    spec_key,
)
from collective_bench.leaderboard.episodes import Episode
from collective_bench.leaderboard.overview import model_href, run_anchor, task_href
from collective_bench.leaderboard.plotcache import PlotCache
from collective_bench.leaderboard.protocols import Protocols
from collective_bench.leaderboard.releases import Run
from collective_bench.leaderboard.view import fmt_number, is_baseline, slug
from collective_bench.scorers.dynamics import SPECS, Spec

DEFAULT_LOG_BUDGET = 64 * 1024 * 1024
SUMMARY_CHARS = 160


@dataclass(frozen=True)
class KeyValue:
    key: str
    text: str
    full: str = ""  # the whole JSON value when `text` is shortened


@dataclass(frozen=True)
class EpisodeLink:
    label: str
    href: str  # relative to the site root


@dataclass(frozen=True)
class EpisodePage:
    path: str
    task: str
    model: str
    release: str
    sample_id: str
    seed: str
    complete: bool
    steps: int
    plot: str
    scores: tuple[KeyValue, ...]
    params: tuple[KeyValue, ...]
    summary: tuple[KeyValue, ...]
    export: str
    export_bytes: int
    log_name: str
    log_href: str  # "" when the log was not copied
    log_note: str
    log_sha256: str
    task_href: str
    run_href: str
    prev_href: str
    next_href: str


@dataclass(frozen=True)
class Dynamics:
    release: str
    plot: str
    spec: Spec
    runs: tuple[tuple[str, tuple[EpisodeLink, ...]], ...]  # run label -> its episodes


def number_text(value: float | None) -> str:
    """Whole numbers without decimals (25, not 25.00); others as everywhere on the site."""
    if value is not None and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return fmt_number(value)


def _text(value: Any) -> tuple[str, str]:
    if isinstance(value, float):
        return number_text(value), ""
    full = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    if len(full) <= SUMMARY_CHARS:
        return full, ""
    return full[:SUMMARY_CHARS] + "\u2026", full


def key_values(data: Mapping[str, Any]) -> tuple[KeyValue, ...]:
    """Sorted key/value lines; numbers rounded for display, long values shortened (full kept)."""
    out = []
    for key in sorted(data):
        text, full = _text(data[key])
        out.append(KeyValue(str(key), text, full))
    return tuple(out)


def run_episodes(run: Run, episodes: Mapping[tuple[str, str], Sequence[Episode]]) -> list[Episode]:
    return list(episodes.get((run.first.log, run.model), ()))


def group_value(spec: Spec, episode: Episode) -> str:
    """The episode's value of the spec's grouping key, as shown in a caption ("" if none)."""
    if not spec.group:
        return ""
    value = episode.summary.get(spec.group)
    return fmt_number(value) if isinstance(value, float) else str(value)


def grouped(spec: Spec, eps: Sequence[Episode]) -> dict[str, list[Episode]]:
    out: dict[str, list[Episode]] = {}
    for episode in eps:
        out.setdefault(group_value(spec, episode), []).append(episode)
    return out


def _group_order(value: str) -> tuple[float, str]:
    try:
        return (float(value), value)
    except ValueError:
        return (float("inf"), value)


def run_bands(spec: Spec, eps: Sequence[Episode]) -> dict[str, Band]:
    out = {}
    for panel in spec.panels:
        got = band(spec, [e.summary for e in eps], [e.series.get(panel.key, ()) for e in eps])
        if got is not None:
            out[panel.key] = got
    return out


def episode_href(episode: Episode) -> str:
    return f"episodes/{slug(episode.log)[-8:]}-{slug(episode.sample_id)}.html"


def _label(run: Run) -> str:
    from collective_bench.leaderboard.pages import run_label

    return run_label(run)


def task_dynamics(task: str, runs: Sequence[Run],
                  episodes: Mapping[tuple[str, str], Sequence[Episode]],
                  files: dict[str, bytes | Path], protocols: Protocols,
                  cache: PlotCache | None = None) -> list[Dynamics]:
    """One figure per release and protocol group on the task page (its runs' median lines);
    SVGs added to files."""
    spec = SPECS.get(task)
    if spec is None:
        return []
    cache = cache or PlotCache()
    out = []
    releases: dict[tuple[str, tuple[int, int, str]], list[Run]] = {}
    for run in runs:
        releases.setdefault((run.release.directory, protocols.of(run).order), []).append(run)
    for (directory, _), group in sorted(releases.items(), key=lambda item: item[0]):
        protocol = protocols.of(group[0])
        group = sorted(group, key=lambda r: (is_baseline(r.model), r.model, r.roles))
        per_run = [(run, grouped(spec, run_episodes(run, episodes))) for run in group]
        values = sorted({v for _, g in per_run for v in g}, key=_group_order)
        for value in values:
            lines, links = [], []
            for run, by_value in per_run:
                eps = by_value.get(value, [])
                bands = run_bands(spec, eps)
                if not bands:
                    continue
                lines.append(Line(_label(run).rsplit(" \u00b7 ", 1)[0], is_baseline(run.model),
                                  bands))
                links.append((_label(run), tuple(EpisodeLink(e.sample_id, episode_href(e))
                                                 for e in eps)))
            if not lines:
                continue
            caption = group[0].release.name + (
                "" if protocol.default else f" \u00b7 {protocol.label}") + (
                f" \u00b7 {spec.group.replace('_', ' ')} {value}" if spec.group else "")
            suffix = f"--{slug(value)}" if value else ""
            if not protocol.default:
                suffix = f"--{protocol.anchor}{suffix}"
            plot = f"plots/dynamics/{slug(task)}--{slug(directory)}{suffix}.svg"
            files[plot] = cache.get(plot, cache.key("dynamics", spec_key(spec), lines),
                                    partial(dynamics_svg, spec, lines))
            out.append(Dynamics(caption, plot, spec, tuple(links)))
    return out


class LogCopies:
    """Which logs are copied into the site, first come first served within the byte budget."""

    def __init__(self, log_files: Mapping[str, Path], budget: int) -> None:
        self.log_files, self.left = log_files, budget
        self.done: dict[str, tuple[str, str]] = {}  # log -> (href, note)

    def get(self, log: str, files: dict[str, bytes | Path]) -> tuple[str, str]:
        if log in self.done:
            return self.done[log]
        path = self.log_files.get(log)
        if path is None or not path.is_file():
            found = ("", "the log file was not available where the site was built")
        elif path.stat().st_size > self.left:
            found = ("", "not copied: the site's log budget is spent (rebuild with a larger "
                     "--log-budget-mb); the episode's JSON export holds its trajectory")
        else:
            self.left -= path.stat().st_size
            href = f"downloads/logs/{slug(log)}.eval"
            files[href] = path
            found = (href, f"{path.stat().st_size / 1e6:.1f} MB, open with inspect view")
        self.done[log] = found
        return found


def _x_inputs(summary: Mapping[str, Any]) -> str:
    """The summary as a cache key (x_values reads it); JSON so the key is stable across runs."""
    return json.dumps(summary, sort_keys=True, default=str)


def episode_pages(run: Run, eps: Sequence[Episode], copies: LogCopies,
                  files: dict[str, bytes | Path],
                  cache: PlotCache | None = None) -> list[EpisodePage]:
    """The run's episode pages (and their plots and exports, added to files). The plots of a
    group of episodes (one band) are drawn together: `dynamics.episode_svgs`."""
    cache = cache or PlotCache()
    spec = SPECS.get(run.task)
    log_href, log_note = copies.get(run.first.log, files)
    hrefs = [episode_href(e) for e in eps]
    plots: dict[str, str] = {}
    for _, members in sorted(grouped(spec, eps).items()) if spec else []:
        assert spec is not None
        drawn = [e for e in members if e.series]
        if not drawn:
            continue
        bands = run_bands(spec, members)
        paths = [_plot_path(hrefs[eps.index(e)]) for e in drawn]
        content = tuple((e.series, _x_inputs(e.summary)) for e in drawn)
        keys = [cache.key("episode", spec_key(spec), bands, content, i)
                for i in range(len(drawn))]
        svgs = cache.get_many(paths, keys, partial(
            episode_svgs, spec, bands, [(e.series, e.summary) for e in drawn]))
        for path, svg in zip(paths, svgs, strict=True):
            files[path] = svg
            plots[path] = path
    return [_episode_page(run, episode, i, hrefs, plots.get(_plot_path(hrefs[i]), ""),
                          log_href, log_note, files) for i, episode in enumerate(eps)]


def _plot_path(href: str) -> str:
    return f"plots/episodes/{href[len('episodes/'):-len('.html')]}.svg"


def _episode_page(run: Run, episode: Episode, i: int, hrefs: Sequence[str], plot: str,
                  log_href: str, log_note: str, files: dict[str, bytes | Path]) -> EpisodePage:
    base = hrefs[i][len("episodes/"):-len(".html")]
    export = f"downloads/episodes/{base}.json"
    files[export] = episode.export
    return EpisodePage(
        hrefs[i], run.task, run.model, run.release.name, episode.sample_id,
        "not recorded" if episode.seed is None else str(episode.seed), episode.complete,
        episode.steps, plot,
        tuple(KeyValue(k, number_text(v)) for k, v in sorted(episode.scores.items())),
        key_values(episode.params), key_values(episode.summary), export,
        len(episode.export), Path(run.first.log).name, log_href, log_note,
        run.first.log_sha256, task_href(run.task),
        f"{model_href(run.model)}#{run_anchor(run)}",
        hrefs[i - 1] if i > 0 else "", hrefs[i + 1] if i + 1 < len(hrefs) else "")


def index_episodes(episodes: Sequence[Episode]) -> dict[tuple[str, str], list[Episode]]:
    out: dict[tuple[str, str], list[Episode]] = {}
    for episode in sorted(episodes, key=lambda e: (e.log, e.model, e.sample_id)):
        out.setdefault((episode.log, episode.model), []).append(episode)
    return out


def censored_texts(episodes: Sequence[Episode]) -> dict[tuple[str, str], str]:
    """(log, metric) -> "> x" for a value that is undefined because it was never reached
    within what the protocol tried: a time never reached within the rounds played, or a
    critical fraction above the largest committed fraction tried. Shown instead of a dash."""
    out: dict[tuple[str, str], str] = {}
    by_log: dict[str, list[Episode]] = {}
    for episode in episodes:
        by_log.setdefault(episode.log, []).append(episode)
    for log, eps in by_log.items():
        played = [e.scores.get("rounds_played") for e in eps]
        if played and all(p is not None for p in played):
            most = max(p for p in played if p is not None)
            for metric in {k for e in eps for k in e.scores if k.startswith("time_to_")}:
                if all(e.scores.get(metric) is None for e in eps):
                    out[(log, metric)] = f"> {number_text(most)} rounds"
        fractions = [e.summary.get("committed_fraction") for e in eps]
        if fractions and all(isinstance(f, float) for f in fractions) and all(
                e.scores.get("tipped") is not None for e in eps):
            out[(log, "critical_fraction")] = f"> {fmt_number(max(fractions))}"  # type: ignore[type-var]
    return out
