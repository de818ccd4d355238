"""One declaration per task: the single place each fact about a task lives.

A `TaskSpec` holds a task's typed parameters (with bounds), its Game factory, its adapter (prompt
and answer reading), its generation settings, the protocol it claims, its presets and its
metrics (each with formula, direction, kind, unit, display name, definition and reference).
The inspect `@task`, the scorer and the log's metrics (`collective_bench.task_builder`),
`cbench list`, the leaderboard's columns and ranks, and the README metric tables are all
derived from it, so nothing has to be kept equal by hand (Melting Pot's frozen scenario
registry; lm-evaluation-harness's declared metric direction).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from collective_bench.driver_inspect import Adapter
from collective_bench.errors import UserError
from collective_bench.game import Game

Direction = Literal["higher", "lower", "neutral"]
"""Which way is better; `neutral` metrics are shown, never ranked."""

IntervalKind = Literal["binary", "bounded", "real"]
"""How a metric's interval is computed (scorers.stats.estimate): per-episode 0/1 values,
continuous values within known bounds, or unbounded continuous values."""

EpisodeMetrics = Callable[
    [Mapping[str, Any], Sequence[Mapping[str, Any]], int, int], dict[str, float]
]
"""(game summary, step records, moves asked, moves invalid) -> per-episode values."""

Aggregate = Callable[[Sequence[Mapping[str, float]]], Mapping[str, Any]]
"""per-episode value dicts -> {metric: scorers.stats.Estimate}: the one path to a number."""


@dataclass(frozen=True)
class Metric:
    """A reported metric. `formula` names the function that computes it, relative to the
    package (`scorers.conventions.km_median` is `collective_bench/scorers/conventions.py`)."""

    name: str
    display: str
    definition: str
    direction: Direction
    kind: IntervalKind
    formula: str
    unit: str = ""
    bounds: tuple[float, float] | None = None
    reference: str = ""
    group: str = "other"
    pvalue_of: str | None = None
    """For a p-value: the metric it tests. P-values are shown beside it, never ranked."""
    per: str | None = None
    """A metric reported once per value of this (list) parameter, as `<name><value>`: e.g.
    `conformity_k` with per="ks" gives conformity_k1, conformity_k3, ... for ks=1,3."""
    built_from: str | None = None
    """For a metric whose interval is assembled from another metric's per-variant intervals
    (the critical fraction from each tested fraction's `tipped` share): that metric, so the
    README's precision line speaks of the share whose width it inherits."""

    def __post_init__(self) -> None:
        if self.direction not in ("higher", "lower", "neutral"):
            raise ValueError(f"metric {self.name}: unknown direction {self.direction!r}")
        if self.kind not in ("binary", "bounded", "real"):
            raise ValueError(f"metric {self.name}: unknown kind {self.kind!r}")
        if self.pvalue_of and self.direction != "neutral":
            raise ValueError(f"metric {self.name}: a p-value is never ranked")


INVALID_RATE = Metric(
    "invalid_rate", "Invalid moves", "moves recorded invalid after the re-asks / moves asked",
    "lower", "bounded", "scorers.common.invalid_rate", bounds=(0.0, 1.0), group="reliability")
"""Declared once for every task: how much of an episode the model did not actually play."""


@dataclass(frozen=True)
class Param:
    """A typed task parameter. `-T name=value` is coerced and range-checked before any work."""

    name: str
    type: type
    default: Any
    doc: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    optional: bool = False
    """`None` is a valid value (e.g. n_focal: every agent is the model under test)."""
    many: bool = False
    """A comma-separated list of values (e.g. committed fractions)."""

    def coerce(self, raw: Any) -> Any:
        """The value as the task uses it, or a UserError naming the problem and the fix."""
        if raw is None or (isinstance(raw, str) and raw.strip().lower() in ("none", "null")):
            if self.optional:
                return None
            raise UserError(f"-T {self.name} needs a value ({self.doc})")
        if self.many:
            items = raw if isinstance(raw, (list, tuple)) else str(raw).split(",")
            values = [self._one(v) for v in items if str(v).strip()]
            if not values:
                raise UserError(f"-T {self.name} needs at least one value, got {raw!r}")
            return values
        return self._one(raw)

    def _one(self, raw: Any) -> Any:
        kind = self.type
        hint = f"-T {self.name} must be {_type_name(kind)}"
        if kind is bool:
            text = str(raw).strip().lower()
            if text in ("true", "1", "yes"):
                return True
            if text in ("false", "0", "no"):
                return False
            raise UserError(f"{hint} (true or false), got {raw!r}")
        if kind is int:
            if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                raise UserError(f"{hint}, got {raw!r}")
            try:
                value: Any = int(str(raw).strip()) if not isinstance(raw, float) else int(raw)
            except ValueError:
                raise UserError(f"{hint}, got {raw!r}") from None
        elif kind is float:
            try:
                value = float(str(raw).strip())
            except ValueError:
                raise UserError(f"{hint}, got {raw!r}") from None
            if not math.isfinite(value):
                raise UserError(f"{hint} and finite, got {raw!r}")
        else:
            value = str(raw).strip()
            if self.choices and value not in self.choices:
                raise UserError(
                    f"-T {self.name} must be one of {', '.join(self.choices)}, got {raw!r}")
            return value
        if self.low is not None and value < self.low:
            raise UserError(f"{hint} >= {_fmt(self.low)}, got {raw!r}")
        if self.high is not None and value > self.high:
            raise UserError(f"{hint} <= {_fmt(self.high)}, got {raw!r}")
        return value


def _type_name(kind: type) -> str:
    return {int: "a whole number", float: "a number", bool: "true or false"}.get(kind, "text")


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


@dataclass(frozen=True)
class Generation:
    """Generation settings of the cited protocol; user overrides (`--temperature`, ...) win and
    are recorded in the log and in every result row."""

    temperature: float | None = None
    max_tokens: int | None = None
    stop_seqs: tuple[str, ...] = ()

    def as_config(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.temperature is not None:
            out["temperature"] = self.temperature
        if self.max_tokens is not None:
            out["max_tokens"] = self.max_tokens
        if self.stop_seqs:
            out["stop_seqs"] = list(self.stop_seqs)
        return out


@dataclass(frozen=True)
class Protocol:
    """The protocol a task claims: the source, and each difference from it with its reason."""

    source: str
    differences: tuple[str, ...] = ()


PRESETS = {
    "quick": "the small per-task settings `make run` uses",
    "smoke": "a few minutes end to end on a local model (CI)",
    "cpu": "every task in about an hour for a 1.5B model on one CPU thread (~700 decisions)",
}
"""The preset names every task declares (`TaskSpec.presets`), with what each is for."""

RUN_PARAMS = ("episodes", "seed", "cache")
"""Parameters every task has that say how much to run, not what is measured."""


@dataclass(frozen=True)
class TaskSpec:
    name: str
    family: str
    version: str
    summary: str
    protocol: Protocol
    params: tuple[Param, ...]
    make_game: Callable[[dict[str, Any]], Game[Any]]
    adapter: Adapter
    episode_metrics: EpisodeMetrics
    aggregate: Aggregate
    metrics: tuple[Metric, ...]
    headline: str
    generation: Generation = Generation()
    presets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Named parameter overrides: `quick` (make run), `smoke` (CI, a few minutes on a local
    model), `cpu` (a 1.5B model on 2 cores in about an hour over the suite)."""
    reference_order: tuple[str, ...] = ()
    """Reference policies from best to worst on the headline, as the README says; the
    every-task test plays them at the smoke preset and checks the order."""
    expand: Callable[[dict[str, Any], int], list[dict[str, Any]]] | None = None
    """(task parameters less the run parameters, the run's seed) -> one Game parameter set
    per variant (default: the parameters as they are, one variant)."""
    data_versions: Callable[[], dict[str, str]] | None = None
    """Versions of the data files the task reads (e.g. a topic bank), written into the log."""
    per_episode: Callable[[dict[str, Any], int, int], list[dict[str, Any]]] | None = None
    """(a variant's Game parameters, base seed, episodes) -> each episode's parameters, for
    tasks whose episodes differ by more than their seed (e.g. one topic per episode)."""

    def __post_init__(self) -> None:
        names = [m.name for m in self.metrics]
        if len(set(names)) != len(names):
            raise ValueError(f"task {self.name}: a metric is declared twice")
        for m in self.metrics:
            if m.per and m.per not in {p.name for p in self.params}:
                raise ValueError(f"task {self.name}: metric {m.name} is per {m.per!r}, "
                                 "which is not a parameter")
        if self.headline not in names:
            raise ValueError(f"task {self.name}: headline {self.headline!r} is not a metric")
        if self.metric(self.headline).direction == "neutral":
            raise ValueError(f"task {self.name}: the headline must have a direction")
        for m in self.metrics:
            if m.built_from is not None and m.built_from not in names:
                raise ValueError(f"task {self.name}: {m.name} is built from {m.built_from!r}, "
                                 "which is not a metric of the task")
        for preset in self.presets.values():
            for key in preset:
                self.param(key)

    def metric(self, name: str) -> Metric:
        """The declaration of a reported metric (`conformity_k3` finds `conformity_k`)."""
        for m in self.metrics:
            if m.name == name:
                return m
        for m in self.metrics:
            if m.per and name.startswith(m.name) and name[len(m.name):].isdigit():
                return m
        raise KeyError(name)

    def metric_names(self, resolved: Mapping[str, Any]) -> list[str]:
        """The metrics a run with these parameters reports."""
        out = []
        for m in self.metrics:
            if m.per:
                out += [f"{m.name}{v}" for v in resolved[m.per]]
            else:
                out.append(m.name)
        return out

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise UserError(
            f"task {self.name} has no parameter {name!r}; its parameters: "
            f"{', '.join(p.name for p in self.params)}")

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def resolve(self, overrides: Mapping[str, Any] | None = None,
                preset: str | None = None, *, max_agents: int | None = None) -> dict[str, Any]:
        """Every parameter's value after the preset and the user's overrides, type-checked.

        The population's declared upper bound is a memory guard, not a rule of the game:
        `max_agents` (`cbench run --max-agents`) raises it, and a population above it is refused
        with what an episode would keep in memory."""
        from collective_bench.footprint import POPULATION, population_error

        values = self.defaults()
        if preset is not None:
            if preset not in self.presets:
                raise UserError(f"task {self.name} has no preset {preset!r}; its presets: "
                                f"{', '.join(sorted(self.presets)) or 'none'}")
            values.update(self.presets[preset])
        params = {p.name: replace(p, high=None) if p.name == POPULATION else p
                  for p in self.params}
        for key, raw in (overrides or {}).items():
            self.param(key)  # an unknown name is refused with the task's parameters
            values[key] = params[key].coerce(raw)
        resolved = {name: p.coerce(values[name]) for name, p in params.items()}
        declared = self.param(POPULATION).high if POPULATION in params else None
        if declared is not None and resolved[POPULATION] is not None:
            bound = max(int(declared), max_agents or 0)
            if resolved[POPULATION] > bound:
                raise UserError(population_error(self, resolved, bound))
        return resolved

    def variants(self, resolved: Mapping[str, Any]) -> list[dict[str, Any]]:
        game_params = {k: v for k, v in resolved.items() if k not in RUN_PARAMS}
        if self.expand is None:
            return [game_params]
        return self.expand(game_params, int(resolved.get("seed") or 0))

    def game_name(self, resolved: Mapping[str, Any]) -> str:
        """The neutral id of the Game these parameters build (the reference policies are
        registered under it)."""
        params = self.variants(resolved)[0]
        if self.per_episode is not None:
            params = self.per_episode(params, int(resolved.get("seed") or 0), 1)[0]
        return self.make_game(params).name


def protocol_digest(task: str, version: str, params: Mapping[str, Any],
                    generation: Mapping[str, Any], roles: Mapping[str, str]) -> str:
    """A short, stable id of what was measured: rows with different digests never share a
    rank. The seed and episode count are left out (they say how much was run, not what)."""
    measured = {k: v for k, v in params.items() if k not in RUN_PARAMS}
    blob = json.dumps({"task": task, "version": version, "params": measured,
                       "generation": generation, "roles": roles},
                      sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:12]
