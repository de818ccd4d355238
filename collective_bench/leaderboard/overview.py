"""The overview (models x each family's headline metrics, ranked with ties) and compare data.

One section per release, because scores of different suite versions are not comparable and a
ranking across them would mislead; the local, unreleased runs get their own section beside them.
Within a release, one table per protocol group (`protocols`): the default protocol first, then
presets, other settings and focal runs, each ranked on its own, so a `--preset cpu` run or a
model playing 1 agent of 8 never shares a rank with a full default run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from collective_bench.leaderboard.censoring import Censoring
from collective_bench.leaderboard.protocols import Group, Protocols
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
    group: Group

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


@dataclass(frozen=True)
class OverviewSection:
    """One release: a table per protocol group, default first."""

    release: Release
    anchor: str
    tables: tuple[OverviewTable, ...]
    superseded: int


def headline(task: str, family: str, tasks: Mapping[str, TaskInfo], schema: Schema) -> str:
    """The task's headline metric: the registry's, else its family's from the schema."""
    if task in tasks and tasks[task].headline:
        return tasks[task].headline
    return schema.families.get(family, ("", ""))[1]


def run_anchor(run: Run) -> str:
    """The id of a run's section on its model page (stable: from the run's identity)."""
    return "run-" + slug("\0".join((run.release.directory, run.task, run.first.task_version,
                                    repr(run.roles), run.first.protocol)))[-8:]


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


def overview_section(release: Release, runs: Sequence[Run], tasks: Mapping[str, TaskInfo],
                     schema: Schema, protocols: Protocols,
                     censoring: Censoring | None = None) -> OverviewSection:
    """The release's tables, one per protocol group: ranks never cross a group."""
    groups: dict[str, list[Run]] = {}
    order: dict[str, Group] = {}
    for run in runs:
        group = protocols.of(run)
        groups.setdefault(group.label, []).append(run)
        order[group.label] = group
    anchor = f"release-{slug(release.directory)}"
    tables = tuple(overview_table(release, groups[label], tasks, schema, order[label],
                                  f"{anchor}-{order[label].anchor}", censoring)
                   for label in sorted(groups, key=lambda name: order[name].order))
    return OverviewSection(release, anchor, tables, sum(len(r.superseded) for r in runs))


def overview_table(release: Release, runs: Sequence[Run], tasks: Mapping[str, TaskInfo],
                   schema: Schema, group: Group, anchor: str,
                   censoring: Censoring | None = None) -> OverviewTable:
    """One protocol group of one release (every run here shares its task's protocol)."""
    censoring = censoring or Censoring()
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
            cell = censoring.cell(score_cell(found[i], rank), source, found[i])
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
    return OverviewTable(release, anchor, tuple(spans), tuple(columns), rows, group)


def compare_entries(runs: Sequence[Run], schema: Schema,
                    protocols: Protocols) -> list[dict[str, Any]]:
    """What compare.js needs: one entry per (release, model, roles, protocol group) with all
    its scores (two protocols of one task are two entries, never one overwriting the other)."""
    entries: dict[tuple[str, str, str, tuple[int, int, str]], dict[str, Any]] = {}
    for run in runs:
        roles = roles_text(dict(run.roles))
        group = protocols.of(run)
        key = (run.release.name, run.model, roles, group.order)
        label = f"{run.model}{' [' + roles + ']' if roles else ''} \u00b7 {run.release.name}"
        if not group.default:
            label += f" \u00b7 {group.label}"
        entry = entries.setdefault(key, {"label": label, "scores": {}})
        for row in run.rows:
            info = schema.metric(row.metric)
            entry["scores"][f"{row.task}\u0000{row.metric}"] = [
                row.task, row.metric, info.display, row.task_version, row.value, row.ci_low,
                row.ci_high, info.direction, row.protocol]
    return [{"label": e["label"], "scores": [e["scores"][k] for k in sorted(e["scores"])]}
            for _, e in sorted(entries.items())]
