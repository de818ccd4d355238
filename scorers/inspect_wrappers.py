"""Thin inspect wrappers: a dict-valued Score per episode, and mean / CI metrics per key.

Undefined per-episode values (NaN) are stored as None, which inspect's JSON logs keep exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from inspect_ai import Epochs
from inspect_ai.scorer import (
    Metric,
    SampleScore,
    Score,
    Scorer,
    ScoreReducer,
    Target,
    metric,
    score_reducer,
)
from inspect_ai.solver import TaskState

from collective_bench.driver_inspect import EpisodeRecord
from scorers.stats import mean_ci

EpisodeMetrics = Callable[
    [Mapping[str, Any], Sequence[Mapping[str, Any]], int, int], dict[str, float]
]


def _floats(scores: list[SampleScore]) -> list[float]:
    out = []
    for s in scores:
        v = s.score.value
        out.append(math.nan if v is None else float(v))  # type: ignore[arg-type]
    return out


@metric
def nanmean() -> Metric:
    """Mean over the episodes where the quantity is defined."""

    def compute(scores: list[SampleScore]) -> float:
        values = [v for v in _floats(scores) if not math.isnan(v)]
        return sum(values) / len(values) if values else math.nan

    return compute


@metric
def ci_low() -> Metric:
    """Lower end of the bootstrap 95% CI of the mean."""

    def compute(scores: list[SampleScore]) -> float:
        return mean_ci(_floats(scores)).ci_low

    return compute


@metric
def ci_high() -> Metric:
    """Upper end of the bootstrap 95% CI of the mean."""

    def compute(scores: list[SampleScore]) -> float:
        return mean_ci(_floats(scores)).ci_high

    return compute


def trajectory_scorer(episode_metrics: EpisodeMetrics) -> Scorer:
    """Score an episode from the trajectory the inspect driver stored.

    An episode a limit stopped before its Game ended is not a shorter episode of the same
    measurement (a convention not reached by round 3 is not "never reached"), so every value is
    left undefined (None) and the metrics count it out; `complete: false` says why.
    """

    async def score(state: TaskState, target: Target) -> Score:
        record = EpisodeRecord(store=state.store)
        values = episode_metrics(record.summary, record.steps, record.asked, record.invalid)
        return Score(
            value={k: (None if math.isnan(v) or not record.complete else v)
                   for k, v in values.items()},
            metadata={
                "calls": record.calls,
                "reasks": record.reasks,
                "invalid": record.invalid,
                "asked": record.asked,
                "complete": record.complete,
                "faults": record.faults,
            },
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
        keys = sorted({k for s in scores if isinstance(s.value, dict) for k in s.value})
        merged: dict[str, float | None] = {}
        for key in keys:
            values = [
                float(s.value[key])  # type: ignore[arg-type, index]
                for s in scores
                if isinstance(s.value, dict) and s.value.get(key) is not None
            ]
            merged[key] = sum(values) / len(values) if values else None
        return Score(value=merged, metadata=scores[0].metadata)  # type: ignore[arg-type]

    return reduce


EPOCHS = Epochs(1, episode_nanmean())
"""One epoch per episode (episodes are samples with their own seeds), reduced without loss."""
