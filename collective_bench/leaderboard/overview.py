"""The overview (models x each family's headline metrics, ranked with ties) and compare data.

One table per release, because scores of different suite versions are not comparable and a
ranking across them would mislead; the local, unreleased runs get their own table beside them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from collective_bench.leaderboard.releases import Release, Run
from collective_bench.leaderboard.schema import Schema, TaskInfo
from collective_bench.leaderboard.stats import Interval, ranks
from collective_bench.leaderboard.view import Cell, is_baseline, roles_text, score_cell, slug


@dataclass(frozen=True)
class HeadColumn:
    family: str
    task: str
    metric: str
    label: str
    direction: str
    href: str


@dataclass(frozen=True)
class OverviewRow:
    model: str
    href: str
    roles: str
    baseline: bool
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class OverviewTable:
    release: Release
    anchor: str
    spans: tuple[tuple[str, int], ...]  # (family display, number of columns)
    columns: tuple[HeadColumn, ...]
    rows: tuple[OverviewRow, ...]
    superseded: int

    @property
    def families(self) -> tuple[tuple[str, str, tuple[int, ...]], ...]:
        """(anchor, display name, column indices) per family: one table each, so every family
        is in view at desktop width without a hidden horizontal scroll."""
        out: list[tuple[str, str, tuple[int, ...]]] = []
        start = 0
        for name, width in self.spans:
            out.append((f"{self.anchor}-{slug(name)}", name, tuple(range(start, start + width))))
            start += width
        return tuple(out)


def headline(task: str, family: str, tasks: Mapping[str, TaskInfo], schema: Schema) -> str:
    """The task's headline metric: the registry's, else its family's from the schema."""
    if task in tasks and tasks[task].headline:
        return tasks[task].headline
    return schema.families.get(family, ("", ""))[1]


def run_anchor(run: Run) -> str:
    """The id of a run's section on its model page (stable: from the run's identity)."""
    return "run-" + slug("\0".join((run.release.directory, run.task, run.first.task_version,
                                    repr(run.roles))))[-8:]


def model_href(model: str) -> str:
    return f"models/{slug(model)}.html"


def task_href(task: str) -> str:
    return f"tasks/{slug(task)}.html"


def _columns(runs: Sequence[Run], tasks: Mapping[str, TaskInfo],
             schema: Schema) -> list[HeadColumn]:
    present = {(run.first.family, run.task) for run in runs}
    columns = []
    for family in schema.family_order(f for f, _ in present):
        for task in sorted(t for f, t in present if f == family):
            metric = headline(task, family, tasks, schema)
            if not metric or not any(r.task == task and r.metric(metric) for r in runs):
                continue
            info = schema.metric(metric)
            columns.append(HeadColumn(family, task, metric, f"{task} \u00b7 {info.display}",
                                      info.direction, task_href(task)))
    return columns


def _rank_texts(intervals: Sequence[Interval], direction: str) -> list[str]:
    values = ranks(intervals, direction)
    return [("" if r is None else ("=" if values.count(r) > 1 else "") + str(r)) for r in values]


def censor(cell: Cell, row: Any, censored: Mapping[tuple[str, str], str]) -> Cell:
    """A dash for a never-reached value becomes what the data does say, e.g. "> 0.38"."""
    if row is None or row.value is not None or (row.log, row.metric) not in censored:
        return cell
    text = censored[(row.log, row.metric)]
    return replace(cell, text=text, title=f"never reached in any episode ({text}); "
                   f"{row.n_episodes} of {row.episodes} episodes define it")


def overview_table(release: Release, runs: Sequence[Run], tasks: Mapping[str, TaskInfo],
                   schema: Schema,
                   censored: Mapping[tuple[str, str], str] | None = None) -> OverviewTable:
    columns = _columns(runs, tasks, schema)
    entrants: dict[tuple[str, tuple[tuple[str, str], ...]], dict[str, Run]] = {}
    for run in runs:
        slot = entrants.setdefault((run.model, run.roles), {})
        if run.task not in slot or run.first.created > slot[run.task].first.created:
            slot[run.task] = run  # several task versions: the most recent run
    keys = sorted(entrants)
    grid: list[list[Cell]] = [[] for _ in keys]
    for column in columns:
        picked = [entrants[key].get(column.task) for key in keys]
        found = [run.metric(column.metric) if run else None for run in picked]
        intervals = [Interval(f.value, f.ci_low, f.ci_high) if f else Interval(None, None, None)
                     for f in found]
        for i, rank in enumerate(_rank_texts(intervals, column.direction)):
            source = picked[i]
            href = f"{model_href(source.model)}#{run_anchor(source)}" if source else ""
            cell = censor(score_cell(found[i], rank), found[i], censored or {})
            grid[i].append(replace(cell, href=href))
    spans: list[tuple[str, int]] = []
    for column in columns:
        name = schema.family_display(column.family)
        if spans and spans[-1][0] == name:
            spans[-1] = (name, spans[-1][1] + 1)
        else:
            spans.append((name, 1))
    rows = tuple(OverviewRow(model, model_href(model), roles_text(dict(roles)),
                             is_baseline(model), tuple(grid[i]))
                 for i, (model, roles) in enumerate(keys))
    return OverviewTable(release, f"release-{slug(release.directory)}", tuple(spans),
                         tuple(columns), rows, sum(len(r.superseded) for r in runs))


def compare_entries(runs: Sequence[Run], schema: Schema) -> list[dict[str, Any]]:
    """What compare.js needs: one entry per (release, model, roles) with all its scores."""
    entries: dict[tuple[str, str, str], dict[str, Any]] = {}
    for run in runs:
        roles = roles_text(dict(run.roles))
        key = (run.release.name, run.model, roles)
        label = f"{run.model}{' [' + roles + ']' if roles else ''} \u00b7 {run.release.name}"
        entry = entries.setdefault(key, {"label": label, "scores": {}})
        for row in run.rows:
            info = schema.metric(row.metric)
            entry["scores"][f"{row.task}\u0000{row.metric}"] = [
                row.task, row.metric, info.display, row.task_version, row.value, row.ci_low,
                row.ci_high, info.direction]
    return [{"label": e["label"], "scores": [e["scores"][k] for k in sorted(e["scores"])]}
            for _, e in sorted(entries.items())]
