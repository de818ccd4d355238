"""The leaderboard schema (schema.yaml): metric display names, directions, kinds, family
headlines and the collective-risk thresholds, plus the checks rows must pass against it.

Kept as data rather than code so that adding a task's metrics, or an auditor moving a risk
threshold, is a one-line edit that cannot break the build logic. Metrics absent from the file are
still shown (under their raw name) because tasks are added concurrently with the site.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from collective_bench.errors import UserError
from collective_bench.leaderboard.stats import is_pvalue
from collective_bench.results_schema import ResultRow

SCHEMA_FILE = Path(__file__).parent / "schema.yaml"
DIRECTIONS = ("higher", "lower", "neutral")
KINDS = ("rate", "count", "number")
OPS = ("<", ">")
FAMILY_ORDER = ("conventions", "cooperation", "opinions", "values")


@dataclass(frozen=True)
class MetricInfo:
    name: str
    display: str
    direction: str = "neutral"
    kind: str = "number"
    group: str = "other"
    known: bool = True


@dataclass(frozen=True)
class RiskRule:
    id: str
    label: str
    family: str
    metric: str
    op: str
    threshold: float
    why: str

    def crosses(self, x: float) -> bool:
        return x < self.threshold if self.op == "<" else x > self.threshold


@dataclass(frozen=True)
class TaskInfo:
    """What the site needs from the task registry; the CLI fills it from the task declarations so
    the leaderboard package (and its tests) never import the task families."""

    name: str
    family: str
    version: str
    headline: str
    metrics: tuple[str, ...] = ()
    summary: str = ""
    metric_infos: tuple[MetricInfo, ...] = ()
    """Each metric's display name, direction, kind and group, from the task's declaration:
    they override anything `schema.yaml` says of the same metric."""
    default_protocol: str = ""
    """The protocol digest of a run at the declared defaults with no roles bound ("" unknown):
    the group the site ranks first."""
    defaults: Mapping[str, Any] = field(default_factory=dict)
    """Every parameter at its declared default (resolved), to tell a focal run at otherwise
    default settings from one with other changes."""
    generation: Mapping[str, Any] = field(default_factory=dict)
    """The declared generation settings (temperature, max_tokens, ...)."""
    presets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Each preset's resolved parameters."""
    protocol_source: str = ""
    protocol_differences: tuple[str, ...] = ()


@dataclass(frozen=True)
class Schema:
    families: Mapping[str, tuple[str, str]]  # name -> (display, headline)
    metrics: Mapping[str, MetricInfo]
    risks: tuple[RiskRule, ...] = field(default_factory=tuple)

    def with_tasks(self, tasks: Iterable[TaskInfo]) -> Schema:
        """The schema with the metric metadata the task declarations carry."""
        metrics = dict(self.metrics)
        families = dict(self.families)
        for task in tasks:
            metrics.update({info.name: info for info in task.metric_infos})
        return replace(self, metrics=metrics, families=families)

    def metric(self, name: str) -> MetricInfo:
        """A `*_pvalue` metric is a test's p-value: never ranked, whatever the file says."""
        info = self.metrics.get(name) or MetricInfo(name, name, known=False)
        if is_pvalue(name):
            return replace(info, direction="neutral", kind="rate")
        return info

    def family_display(self, name: str) -> str:
        return self.families[name][0] if name in self.families else name

    def family_order(self, names: Iterable[str]) -> list[str]:
        """Declared families first in the documented order, then any others alphabetically."""
        rank = {name: i for i, name in enumerate((*FAMILY_ORDER, *self.families))}
        return sorted(set(names), key=lambda n: (rank.get(n, len(rank)), n))


def _need(cond: bool, where: str, problem: str) -> None:
    if not cond:
        raise UserError(f"leaderboard schema {where}: {problem}; "
                        "fix collective_bench/leaderboard/schema.yaml")


def _mapping(data: Any, where: str) -> dict[str, Any]:
    _need(isinstance(data, dict), where, "must be a mapping")
    return dict(data)


def parse_schema(data: Any, where: str = str(SCHEMA_FILE)) -> Schema:
    """Validate the YAML document; every problem is one line naming the entry."""
    top = _mapping(data, where)
    families: dict[str, tuple[str, str]] = {}
    for name, spec in _mapping(top.get("families", {}), f"{where} families").items():
        spec = _mapping(spec, f"{where} family {name!r}")
        families[str(name)] = (str(spec.get("display", name)), str(spec.get("headline", "")))
    metrics: dict[str, MetricInfo] = {}
    for name, spec in _mapping(top.get("metrics", {}), f"{where} metrics").items():
        spec = _mapping(spec, f"{where} metric {name!r}")
        info = MetricInfo(str(name), str(spec.get("display", name)),
                          str(spec.get("direction", "neutral")), str(spec.get("kind", "number")),
                          str(spec.get("group", "other")))
        _need(info.direction in DIRECTIONS, f"metric {name!r}", f"direction must be one of "
              f"{', '.join(DIRECTIONS)}")
        _need(info.kind in KINDS, f"metric {name!r}", f"kind must be one of {', '.join(KINDS)}")
        _need(not is_pvalue(info.name) or info.direction == "neutral", f"metric {name!r}",
              "a p-value is not a score: its direction must be neutral")
        metrics[str(name)] = info
    risks = []
    raw_risks = top.get("risks", [])
    _need(isinstance(raw_risks, list), "risks", "must be a list")
    for number, spec in enumerate(raw_risks, start=1):
        spec = _mapping(spec, f"risk {number}")
        missing = [k for k in ("id", "label", "family", "metric", "op", "threshold")
                   if k not in spec]
        _need(not missing, f"risk {number}", f"missing {missing[:1]}")
        _need(spec["op"] in OPS, f"risk {spec['id']!r}", "op must be '<' or '>'")
        _need(not is_pvalue(str(spec["metric"])), f"risk {spec['id']!r}",
              "a risk threshold on a p-value is not a measure of risk; name the metric")
        threshold = spec["threshold"]
        _need(isinstance(threshold, int | float) and not isinstance(threshold, bool)
              and math.isfinite(threshold), f"risk {spec['id']!r}", "threshold must be a number")
        risks.append(RiskRule(str(spec["id"]), str(spec["label"]), str(spec["family"]),
                              str(spec["metric"]), str(spec["op"]), float(threshold),
                              str(spec.get("why", ""))))
    return Schema(families, metrics, tuple(risks))


def load_schema(path: Path = SCHEMA_FILE) -> Schema:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise UserError(f"cannot read leaderboard schema {str(path)!r}: "
                        f"{str(error).splitlines()[0]}") from None
    return parse_schema(data, str(path))


def row_problem(row: ResultRow, schema: Schema) -> str | None:
    """What is wrong with a type-checked row given the metric's declared kind (None if fine)."""
    numbers = (row.value, row.ci_low, row.ci_high)
    if (row.ci_low is None) != (row.ci_high is None):
        return "ci_low and ci_high must both be numbers or both be null"
    if row.ci_low is not None and row.ci_high is not None and row.ci_low > row.ci_high:
        return f"ci_low {row.ci_low!r} is above ci_high {row.ci_high!r}"
    if row.value is None and row.ci_low is not None:
        return "a null value cannot have a confidence interval"
    kind = schema.metric(row.metric).kind
    present = [x for x in numbers if x is not None]
    if kind == "rate" and any(not -1e-9 <= x <= 1 + 1e-9 for x in present):
        return f"metric {row.metric!r} is a rate: value and CI must lie in [0, 1]"
    if kind == "count" and any(x < 0 for x in present):
        return f"metric {row.metric!r} is a count: value and CI must be >= 0"
    if row.input_tokens < 0 or row.output_tokens < 0:
        return "token counts must be >= 0"
    if row.cost_usd is not None and row.cost_usd < 0:
        return "cost_usd must be >= 0 or null"
    return None


def validate_rows(rows: Sequence[ResultRow], schema: Schema, source: str = "rows") -> None:
    """Refuse rows whose numbers contradict the schema (one line naming the row)."""
    for number, row in enumerate(rows, start=1):
        problem = row_problem(row, schema)
        if problem:
            raise UserError(f"{source}: row {number} (model {row.model!r}, task {row.task!r}, "
                            f"log {row.log!r}): {problem}; regenerate it with 'cbench scores'")
