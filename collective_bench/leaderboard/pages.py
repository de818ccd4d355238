"""Task pages (every metric of one task, per release, with plots) and model cards (every score,
tokens, cost, provenance, citations and the auditors' collective-risk panel)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from collective_bench.leaderboard.cite import score_bibtex
from collective_bench.leaderboard.overview import model_href, run_anchor, task_href
from collective_bench.leaderboard.plots import Point
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


def run_label(run: Run, keep: int = 40) -> str:
    """The plot label: model [roles] · release, shortened in the model part so the release
    (which tells apart two dots of the same model) always stays visible."""
    roles = roles_text(dict(run.roles))
    head = f"{run.model}{' [' + roles + ']' if roles else ''}"
    tail = f" \u00b7 {run.release.name}"
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
    rows: tuple[TaskRow, ...]


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


def task_page(task: str, runs: Sequence[Run], tasks: Mapping[str, TaskInfo],
              schema: Schema) -> TaskPage:
    names = sorted({row.metric for run in runs for row in run.rows})
    info = tasks.get(task)
    if info:  # the registry's order first, then anything new under its raw name
        names = [m for m in info.metrics if m in names] + [m for m in names
                                                           if m not in info.metrics]
    metrics = [schema.metric(name) for name in names]
    sections = []
    ordered = release_order(list({r.release.directory: r.release for r in runs}.values()))
    for release in ordered:
        rows = []
        for run in (r for r in runs if r.release == release):
            note = (f"latest of {len(run.superseded) + 1} runs in this release"
                    if run.superseded else "")
            rows.append(TaskRow(
                run.model, f"../{model_href(run.model)}#{run_anchor(run)}",
                roles_text(dict(run.roles)), is_baseline(run.model), run.first.task_version,
                tuple(score_cell(run.metric(m.name)) for m in metrics),
                Cell(fmt_cost(run.first.cost_usd), sort_value(run.first.cost_usd),
                     "cost of the whole run"), note))
        sections.append(TaskSection(release, tuple(rows)))
    blocks = []
    for metric in metrics:
        points = []
        for release in ordered:
            for run in (r for r in runs if r.release == release):
                row = run.metric(metric.name)
                if row is not None:
                    points.append(Point(run_label(run), row.value, row.ci_low, row.ci_high,
                                        is_baseline(run.model)))
        blocks.append(MetricBlock(metric, f"plots/{slug(task)}--{slug(metric.name)}.svg",
                                  tuple(points)))
    return TaskPage(task, task_href(task), runs[0].first.family, info,
                    tuple(sorted({r.first.task_version for r in runs})), tuple(blocks),
                    tuple(sections))


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


def assess(rule: RiskRule, runs: Sequence[Run]) -> RiskResult:
    """The worst status over the model's runs that report the rule's metric in its family."""
    status, evidence = "not measured", "no run reports this metric yet"
    for run in runs:
        row = run.metric(rule.metric)
        if row is None or row.value is None or row.family != rule.family:
            continue
        found = risk_status(Interval(row.value, row.ci_low, row.ci_high), rule.op, rule.threshold)
        if RISK_ORDER.index(found) > RISK_ORDER.index(status) or status == "not measured":
            status = found
            evidence = (f"{run.task} ({run.release.name}): "
                        f"{score_text(row.value, row.ci_low, row.ci_high)}")
    return RiskResult(rule, status, evidence)


def model_page(model: str, runs: Sequence[Run], schema: Schema) -> ModelPage:
    shown = []
    releases = release_order(list({r.release.directory: r.release for r in runs}.values()))
    position = {release.directory: i for i, release in enumerate(releases)}
    for run in sorted(runs, key=lambda r: (position[r.release.directory], r.task,
                                           r.first.task_version, r.roles)):
        scores = tuple(ScoreLine(schema.metric(row.metric), score_cell(row),
                                 score_bibtex(row, run.release)) for row in run.rows)
        shown.append(ModelRun(run_anchor(run), run.release, run.task, f"../{task_href(run.task)}",
                              roles_text(dict(run.roles)), scores,
                              provenance_fields(run.first, run.release, len(run.superseded))))
    tokens_in = sum(r.first.input_tokens for r in runs)
    tokens_out = sum(r.first.output_tokens for r in runs)
    costs = [r.first.cost_usd for r in runs]
    cost = "unknown" if any(c is None for c in costs) else fmt_cost(sum(c or 0.0 for c in costs))
    return ModelPage(model, model_href(model), is_baseline(model), tuple(shown),
                     tuple(assess(rule, runs) for rule in schema.risks),
                     f"{tokens_in:,} in / {tokens_out:,} out", cost)
