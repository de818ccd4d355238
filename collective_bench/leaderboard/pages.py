"""Task pages (every metric of one task, per release and protocol group, with plots and the
parameters each group ran with) and model cards (every score, tokens, cost, provenance,
citations and the auditors' collective-risk panel)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from collective_bench.leaderboard.censoring import Censoring
from collective_bench.leaderboard.cite import score_bibtex
from collective_bench.leaderboard.overview import model_href, run_anchor, task_href
from collective_bench.leaderboard.plots import Point
from collective_bench.leaderboard.protocols import RUN_PARAMS, Group, Protocols
from collective_bench.leaderboard.releases import Release, Run, release_order
from collective_bench.leaderboard.schema import MetricInfo, RiskRule, Schema, TaskInfo
from collective_bench.leaderboard.stats import RISK_ORDER, Interval, risk_status
from collective_bench.leaderboard.view import (
    Cell,
    Field,
    fmt_cost,
    is_baseline,
    provenance_fields,
    roles_text,
    score_cell,
    score_text,
    slug,
    sort_value,
)


def run_label(run: Run, keep: int = 40, tag: str = "") -> str:
    """The plot label: model [roles] · release [· protocol tag], shortened in the model part so
    the release and the protocol group (which tell apart two dots of the same model) always
    stay visible."""
    roles = roles_text(dict(run.roles))
    head = f"{run.model}{' [' + roles + ']' if roles else ''}"
    tail = f" \u00b7 {run.release.name}" + (f" \u00b7 {tag}" if tag else "")
    if len(head) + len(tail) > keep:
        head = head[: max(keep - len(tail) - 1, 8)] + "\u2026"
    return head + tail


@dataclass(frozen=True)
class TaskRow:
    model: str
    href: str
    roles: str
    baseline: bool
    version: str
    cells: tuple[Cell, ...]
    cost: Cell
    note: str


@dataclass(frozen=True)
class TaskSection:
    release: Release
    group: Group
    rows: tuple[TaskRow, ...]


@dataclass(frozen=True)
class ParamLine:
    """One parameter (or generation setting) across the task's protocol groups."""

    name: str
    declared: str  # the declaration's default ("" when unknown)
    values: tuple[tuple[str, bool], ...]  # per group: (text, differs from the declared)


@dataclass(frozen=True)
class ProtocolTable:
    groups: tuple[Group, ...]
    digests: tuple[str, ...]
    params: tuple[ParamLine, ...]
    generation: tuple[ParamLine, ...]


def param_text(value: Any) -> str:
    """A parameter as a reader types it after -T: lists comma-separated, None as "none"."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(param_text(v) for v in value)
    return str(value)


def _lines(per_group: Sequence[Sequence[Mapping[str, Any]]],
           declared: Mapping[str, Any]) -> tuple[ParamLine, ...]:
    """Every key of any run; a group whose runs differ on a run parameter (episodes, seed)
    lists each value."""
    names = list(declared) + sorted({k for runs in per_group for values in runs for k in values}
                                    - set(declared))
    out = []
    for name in names:
        cells = []
        for runs in per_group:
            texts = sorted({param_text(values[name]) if name in values else "\u2014"
                            for values in runs})
            text = ", ".join(texts)
            differs = bool(declared) and name not in RUN_PARAMS and (
                text != (param_text(declared[name]) if name in declared else "\u2014"))
            cells.append((text, differs))
        out.append(ParamLine(name, param_text(declared[name]) if name in declared else "",
                             tuple(cells)))
    return tuple(out)


def protocol_table(runs: Sequence[Run], info: TaskInfo | None,
                   protocols: Protocols) -> ProtocolTable:
    """The resolved parameters and generation settings each protocol group ran with (from the
    rows), beside the declared defaults, so a reader sees what a group's scores measured."""
    groups: dict[str, tuple[Group, list[Run]]] = {}
    for run in runs:
        group = protocols.of(run)
        groups.setdefault(group.label, (group, []))[1].append(run)
    ordered = sorted(groups.values(), key=lambda item: item[0].order)
    params = [[r.first.params for r in members] for _, members in ordered]
    generation = [[r.first.generation for r in members] for _, members in ordered]
    return ProtocolTable(
        tuple(g for g, _ in ordered),
        tuple(", ".join(sorted({r.first.protocol or "not recorded" for r in members}))
              for _, members in ordered),
        _lines(params, info.defaults if info else {}),
        _lines(generation, info.generation if info else {}))


@dataclass(frozen=True)
class MetricBlock:
    info: MetricInfo
    plot: str  # path relative to the site root
    points: tuple[Point, ...]


@dataclass(frozen=True)
class TaskPage:
    task: str
    path: str
    family: str
    info: TaskInfo | None
    versions: tuple[str, ...]
    metrics: tuple[MetricBlock, ...]
    sections: tuple[TaskSection, ...]
    protocol: ProtocolTable


def task_page(task: str, runs: Sequence[Run], tasks: Mapping[str, TaskInfo],
              schema: Schema, protocols: Protocols,
              censoring: Censoring | None = None) -> TaskPage:
    """One table per (release, protocol group): runs at different protocols never share one."""
    censoring = censoring or Censoring()
    names = sorted({row.metric for run in runs for row in run.rows})
    info = tasks.get(task)
    if info:  # the registry's order first, then anything new under its raw name
        names = [m for m in info.metrics if m in names] + [m for m in names
                                                           if m not in info.metrics]
    metrics = [schema.metric(name) for name in names]
    sections = []
    ordered = release_order(list({r.release.directory: r.release for r in runs}.values()))
    def in_order(release: Release) -> list[Run]:
        return sorted((r for r in runs if r.release == release),
                      key=lambda r: protocols.of(r).order)

    for release in ordered:
        by_group: dict[str, tuple[Group, list[TaskRow]]] = {}
        for run in in_order(release):
            note = (f"latest of {len(run.superseded) + 1} runs in this release"
                    if run.superseded else "")
            group = protocols.of(run)
            by_group.setdefault(group.label, (group, []))[1].append(TaskRow(
                run.model, f"../{model_href(run.model)}#{run_anchor(run)}",
                roles_text(dict(run.roles)), is_baseline(run.model), run.first.task_version,
                tuple(censoring.cell(score_cell(run.metric(m.name)), run, run.metric(m.name))
                      for m in metrics),
                Cell(fmt_cost(run.first.cost_usd), sort_value(run.first.cost_usd),
                     "cost of the whole run"), note))
        sections += [TaskSection(release, group, tuple(rows))
                     for group, rows in by_group.values()]
    blocks = []
    for metric in metrics:
        points = []
        for release in ordered:
            for run in in_order(release):
                row = run.metric(metric.name)
                if row is not None:
                    censored = censoring.text(run, row)
                    points.append(Point(run_label(run, tag=protocols.of(run).tag),
                                        None if censored else row.value,
                                        None if censored else row.ci_low,
                                        None if censored else row.ci_high,
                                        is_baseline(run.model), censored))
        blocks.append(MetricBlock(metric, f"plots/{slug(task)}--{slug(metric.name)}.svg",
                                  tuple(points)))
    return TaskPage(task, task_href(task), runs[0].first.family, info,
                    tuple(sorted({r.first.task_version for r in runs})), tuple(blocks),
                    tuple(sections), protocol_table(runs, info, protocols))


@dataclass(frozen=True)
class ScoreLine:
    info: MetricInfo
    cell: Cell
    bibtex: str


@dataclass(frozen=True)
class ModelRun:
    anchor: str
    release: Release
    task: str
    task_href: str
    roles: str
    group: Group
    scores: tuple[ScoreLine, ...]
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class RiskResult:
    rule: RiskRule
    status: str  # one of collective_bench.leaderboard.stats.RISK_ORDER
    evidence: str


@dataclass(frozen=True)
class ModelPage:
    model: str
    path: str
    baseline: bool
    runs: tuple[ModelRun, ...]
    risks: tuple[RiskResult, ...]
    tokens: str
    cost: str


def assess(rule: RiskRule, runs: Sequence[Run], protocols: Protocols | None = None) -> RiskResult:
    """The worst status over the model's runs that report the rule's metric in its family."""
    status, evidence = "not measured", "no run reports this metric yet"
    for run in runs:
        row = run.metric(rule.metric)
        if row is None or row.value is None or row.family != rule.family:
            continue
        found = risk_status(Interval(row.value, row.ci_low, row.ci_high), rule.op, rule.threshold)
        if RISK_ORDER.index(found) > RISK_ORDER.index(status) or status == "not measured":
            status = found
            group = protocols.of(run) if protocols is not None else None
            where = run.release.name + ("" if group is None or group.default
                                        else f", {group.label}")
            evidence = (f"{run.task} ({where}): "
                        f"{score_text(row.value, row.ci_low, row.ci_high)}")
    return RiskResult(rule, status, evidence)


def model_page(model: str, runs: Sequence[Run], schema: Schema, protocols: Protocols,
               censoring: Censoring | None = None) -> ModelPage:
    censoring = censoring or Censoring()
    shown = []
    releases = release_order(list({r.release.directory: r.release for r in runs}.values()))
    position = {release.directory: i for i, release in enumerate(releases)}
    for run in sorted(runs, key=lambda r: (position[r.release.directory], r.task,
                                           protocols.of(r).order, r.first.task_version,
                                           r.roles)):
        scores = tuple(ScoreLine(schema.metric(row.metric),
                                 censoring.cell(score_cell(row), run, row),
                                 score_bibtex(row, run.release)) for row in run.rows)
        group = protocols.of(run)
        fields = provenance_fields(run.first, run.release, len(run.superseded))
        shown.append(ModelRun(run_anchor(run), run.release, run.task, f"../{task_href(run.task)}",
                              roles_text(dict(run.roles)), group, scores,
                              (*fields[:4], *protocol_fields(run, group), *fields[4:])))
    tokens_in = sum(r.first.input_tokens for r in runs)
    tokens_out = sum(r.first.output_tokens for r in runs)
    costs = [r.first.cost_usd for r in runs]
    cost = "unknown" if any(c is None for c in costs) else fmt_cost(sum(c or 0.0 for c in costs))
    return ModelPage(model, model_href(model), is_baseline(model), tuple(shown),
                     tuple(assess(rule, runs, protocols) for rule in schema.risks),
                     f"{tokens_in:,} in / {tokens_out:,} out", cost)


def protocol_fields(run: Run, group: Group) -> tuple[Field, ...]:
    """Which protocol the run's scores measured, and who played the population."""
    row = run.first
    return (
        Field("protocol", group.label, row.protocol or "not recorded"),
        Field("protocol digest", row.protocol or "not recorded", mono=bool(row.protocol)),
        Field("preset", row.preset or "none"),
        Field("population", group.focal or "the model under test played every agent"),
    )
