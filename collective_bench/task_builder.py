"""From a `TaskSpec` to an inspect `Task`: the scaffolding every task family used to repeat.

A family's `@task` functions only call `build_task(SPEC, **arguments)`. The dataset (one
sample per episode, variants with their own seed streams), the solver, the scorer and the
log's metrics all come from the spec, and the log's metrics are computed by the spec's own
`aggregate`, the same function `cbench scores` and the leaderboard call: one path from an
episode to a number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from inspect_ai import Epochs, Task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import (
    Metric,
    SampleScore,
    Score,
    Scorer,
    ScoreReducer,
    Target,
    metric,
    score_reducer,
    scorer,
)
from inspect_ai.solver import TaskState

from collective_bench import HARNESS_VERSION
from collective_bench.driver_inspect import EpisodeRecord, play_episode
from collective_bench.registry import get_spec
from collective_bench.seeds import derive_seed, episode_seeds
from collective_bench.spec import Param, TaskSpec

EPISODE_INPUT = "One episode of a population game; agents are prompted by the solver."


def episode_values(score_value: Any) -> dict[str, float]:
    """A sample's per-episode values (None, i.e. undefined, as NaN)."""
    if not isinstance(score_value, Mapping):
        return {}
    return {k: (math.nan if v is None else float(v)) for k, v in score_value.items()}


def log_metrics(task: str, episodes: list[dict[str, float]]) -> dict[str, float | None]:
    """The log's metrics: value and 95% interval of every declared metric, from the spec's
    aggregate. Keys: `<metric>`, `<metric>_ci_low`, `<metric>_ci_high`."""
    out: dict[str, float | None] = {}
    for name, est in get_spec(task).aggregate(episodes).items():
        for key, x in ((name, est.value), (f"{name}_ci_low", est.ci_low),
                       (f"{name}_ci_high", est.ci_high)):
            out[key] = None if x is None or math.isnan(x) else float(x)
    return out


@metric
def task_metrics(task: str) -> Metric:
    """Every metric of `task` across its episodes, exactly as the results rows compute it."""

    def compute(scores: list[SampleScore]) -> dict[str, float | None]:
        return log_metrics(task, [episode_values(s.score.value) for s in scores])

    return compute  # type: ignore[return-value]


@scorer(metrics=[])
def episode_scorer(task: str) -> Scorer:
    """Score an episode from the trajectory the inspect driver stored.

    An episode a limit stopped before its Game ended is not a shorter episode of the same
    measurement (a convention not reached by round 3 is not "never reached"), so every value
    is left undefined (None) and the metrics count it out; `complete: false` says why.
    """
    spec = get_spec(task)

    async def score(state: TaskState, target: Target) -> Score:
        record = EpisodeRecord(store=state.store)
        values = spec.episode_metrics(record.summary, record.steps, record.asked,
                                      record.invalid)
        return Score(
            value={k: (None if math.isnan(v) or not record.complete else v)
                   for k, v in values.items()},
            metadata={"calls": record.calls, "reasks": record.reasks,
                      "invalid": record.invalid, "asked": record.asked,
                      "complete": record.complete, "faults": record.faults},
        )

    return score


@score_reducer(name="episode_nanmean")
def episode_nanmean() -> ScoreReducer:
    """Combine epochs of an episode per key, ignoring undefined (None) values.

    inspect's default reducer turns None into a number, which would count a never-reached
    consensus as time 0; this keeps "undefined" undefined.
    """

    def reduce(scores: list[Score]) -> Score:
        if len(scores) == 1:
            return scores[0]
        merged: dict[str, float | None] = {}
        for key in sorted({k for s in scores if isinstance(s.value, dict) for k in s.value}):
            values = [float(s.value[key]) for s in scores  # type: ignore[arg-type, index]
                      if isinstance(s.value, dict) and s.value.get(key) is not None]
            merged[key] = sum(values) / len(values) if values else None
        return Score(value=merged, metadata=scores[0].metadata)  # type: ignore[arg-type]

    return reduce


EPOCHS = Epochs(1, episode_nanmean())
"""One epoch per episode (episodes are samples with their own seeds), reduced without loss."""


def samples(spec: TaskSpec, resolved: Mapping[str, Any]) -> MemoryDataset:
    """`episodes` samples per variant; variants get their own seed stream."""
    variants = spec.variants(resolved)
    seed, episodes = int(resolved["seed"]), int(resolved["episodes"])
    out = []
    for v, params in enumerate(variants):
        base = seed if len(variants) == 1 else derive_seed("variant", seed, v)
        prefix = f"v{v}-" if len(variants) > 1 else ""
        each = (spec.per_episode(params, base, episodes) if spec.per_episode
                else [params] * episodes)
        out += [Sample(id=f"{prefix}ep{i:03d}", input=EPISODE_INPUT,
                       metadata={"seed": ep_seed, "params": each[i]})
                for i, ep_seed in enumerate(episode_seeds(base, episodes))]
    return MemoryDataset(out)


MAX_AGENTS = Param("max_agents", int, None, "raise the population bound to this many agents",
                   low=2, optional=True)


def build_task(spec: TaskSpec, preset: str | None = None, max_agents: Any = None,
               **arguments: Any) -> Task:
    """The inspect Task of `spec` with the given arguments (type-checked, after `preset`).

    `max_agents` raises the population bound (`cbench run --max-agents`, or `-T max_agents=N`
    under `inspect eval`); it guards memory and changes nothing measured, so it is not a
    parameter of the protocol."""
    resolved = spec.resolve(arguments, preset, max_agents=MAX_AGENTS.coerce(max_agents))
    generation = spec.generation.as_config()
    return Task(
        name=spec.name,
        dataset=samples(spec, resolved),
        solver=play_episode(spec.make_game, spec.adapter, cache=bool(resolved["cache"])),
        scorer=episode_scorer(task=spec.name),
        metrics=[task_metrics(task=spec.name)],
        epochs=EPOCHS,
        version=spec.version,
        config=GenerateConfig(**generation),
        metadata={
            "family": spec.family,
            "harness_version": HARNESS_VERSION,
            "params": resolved,
            "preset": preset,
            "protocol_source": spec.protocol.source,
            "task_generation": generation,
            **(spec.data_versions() if spec.data_versions else {}),
        },
    )
