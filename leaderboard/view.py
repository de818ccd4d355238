"""Checked result rows -> what the page shows: one table per task, one provenance card per run.

Formatting lives here, not in the template, so it is plain Python that tests can call and so the
template stays a layout with no logic to get wrong. The rules that matter for trust:

* a missing or undefined number is shown as an em dash, never as 0;
* unknown cost is "unknown", never a made-up $0;
* every number's full precision is kept in `data-value` (for sorting) and in the hover title;
* every run links to its provenance (versions, commit, log and its hash), so a score can be traced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from collective_bench.results_schema import ResultRow
from leaderboard.rows import row_sort_key, run_key

DASH = "\u2014"
REFERENCE_PREFIX = "reference/"


@dataclass(frozen=True)
class Cell:
    """One table cell: the visible text, the sort value (empty for null) and the hover title."""

    text: str
    value: str
    title: str


@dataclass(frozen=True)
class Column:
    label: str
    kind: str  # "text" or "number": how the page's script sorts the column
    title: str = ""


@dataclass(frozen=True)
class Run:
    """One row of a task table: a model's run (one log) with its cells, after the model cell."""

    anchor: str
    model: str
    roles: str
    baseline: bool
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    anchor: str
    task: str
    family: str
    columns: tuple[Column, ...]
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class Field:
    label: str
    text: str
    title: str = ""
    mono: bool = False


@dataclass(frozen=True)
class Provenance:
    anchor: str
    model: str
    task: str
    baseline: bool
    fields: tuple[Field, ...]


def is_baseline(model: str) -> bool:
    """Reference policies are the scripted baselines LLM scores are read against (DESIGN.md)."""
    return model.startswith(REFERENCE_PREFIX)


def fmt_number(x: float | None) -> str:
    """Short display form; small magnitudes keep two significant digits instead of rounding to 0."""
    if x is None:
        return DASH
    size = abs(x)
    if size >= 100:
        return f"{x:.0f}"
    if size >= 0.01 or x == 0:
        return f"{x:.2f}"
    return f"{x:.2g}"


def fmt_cost(cost: float | None) -> str:
    if cost is None:
        return "unknown"
    return f"${cost:.2f}" if cost >= 1 else f"${cost:.4f}"


def _sort_value(x: float | int | None) -> str:
    return "" if x is None else repr(x)


def score_cell(row: ResultRow) -> Cell:
    """ "0.73 [0.61, 0.85]", with n episodes and full precision on hover."""
    count = f"n = {row.n_episodes} of {row.episodes} episodes"
    if row.value is None:
        return Cell(DASH, "", f"undefined: no episode defines it ({count})")
    text = fmt_number(row.value)
    title = f"{row.value!r}; {count}"
    if row.ci_low is not None and row.ci_high is not None:
        text += f" [{fmt_number(row.ci_low)}, {fmt_number(row.ci_high)}]"
        title = f"{row.value!r}, 95% CI [{row.ci_low!r}, {row.ci_high!r}]; {count}"
    return Cell(text, _sort_value(row.value), title)


def roles_text(roles: dict[str, str]) -> str:
    return ", ".join(f"{role}: {model}" for role, model in sorted(roles.items()))


def _short(text: str | None, keep: int, missing: str) -> Field:
    if text is None:
        return Field("", missing)
    shown = text if len(text) <= keep else text[:keep] + "\u2026"
    return Field("", shown, text, mono=True)


def _labelled(label: str, field: Field) -> Field:
    return Field(label, field.text, field.title, field.mono)


def provenance_fields(row: ResultRow) -> tuple[Field, ...]:
    """Where a run's numbers came from, in the order a reader checks them."""
    invalid = DASH if row.invalid_rate is None else f"{row.invalid_rate:.1%}"
    return (
        Field("model roles", roles_text(row.model_roles) or "none"),
        Field("task version", row.task_version, mono=True),
        Field("harness version", row.harness_version or "unknown", mono=True),
        _labelled("git commit", _short(row.git_commit, 12, "not a git checkout")),
        Field("created", row.created, mono=True),
        Field("episodes", str(row.episodes)),
        Field("seed", str(row.seed), mono=True) if row.seed is not None
        else Field("seed", "not recorded"),
        Field("invalid moves", invalid, "share of agent moves still invalid after one re-ask"),
        Field("log file", row.log, mono=True),
        _labelled("log sha256", _short(row.log_sha256, 12, "unknown")),
        Field("tokens", f"{row.input_tokens:,} in / {row.output_tokens:,} out"),
        Field("cost", fmt_cost(row.cost_usd)),
    )


def _group_runs(rows: Sequence[ResultRow]) -> dict[tuple[object, ...], list[ResultRow]]:
    runs: dict[tuple[object, ...], list[ResultRow]] = {}
    for row in sorted(rows, key=row_sort_key):
        runs.setdefault(run_key(row), []).append(row)
    return runs


def _run_cells(group: Sequence[ResultRow], metrics: Sequence[str]) -> tuple[Cell, ...]:
    first = group[0]
    by_metric = {row.metric: row for row in group}
    cells = [Cell(first.task_version, first.task_version, "task version")]
    for metric in metrics:
        row = by_metric.get(metric)
        cells.append(score_cell(row) if row else Cell(DASH, "", "not reported by this run"))
    cells.append(Cell(fmt_cost(first.cost_usd), _sort_value(first.cost_usd),
                      "cost unknown" if first.cost_usd is None else repr(first.cost_usd)))
    return tuple(cells)


def _table(anchor: str, task: str, groups: Sequence[tuple[str, list[ResultRow]]]) -> Table:
    """One task's table; `groups` are (provenance anchor, rows of one run).

    The run's invalid-move rate is in its provenance card, not a column: tasks already report it
    as a metric with a CI, and a second, CI-less copy next to it would only invite confusion.
    """
    metrics = sorted({row.metric for _, group in groups for row in group})
    columns = (
        Column("Model", "text"),
        Column("Version", "text", "task version: compare scores of the same version"),
        *(Column(metric, "number", "value [95% CI]") for metric in metrics),
        Column("Cost", "number", "cost of the whole run in US dollars"),
    )
    runs = tuple(Run(run_anchor, group[0].model, roles_text(group[0].model_roles),
                     is_baseline(group[0].model), _run_cells(group, metrics))
                 for run_anchor, group in groups)
    family = ", ".join(sorted({group[0].family for _, group in groups} - {""}))
    return Table(anchor, task, family, columns, runs)


def build_view(rows: Sequence[ResultRow]) -> tuple[tuple[Table, ...], tuple[Provenance, ...]]:
    """Tables (one per task, one row per run) and provenance cards, in a fixed order."""
    runs = _group_runs(rows)
    anchors = {key: f"run-{i}" for i, key in enumerate(runs, start=1)}
    by_task: dict[str, list[tuple[str, list[ResultRow]]]] = {}
    for key, group in runs.items():
        by_task.setdefault(group[0].task, []).append((anchors[key], group))
    tables = tuple(_table(f"task-{number}", task, groups)
                   for number, (task, groups) in enumerate(by_task.items(), start=1))
    cards = tuple(
        Provenance(anchors[key], group[0].model, group[0].task, is_baseline(group[0].model),
                   provenance_fields(group[0]))
        for key, group in runs.items())
    return tables, cards
