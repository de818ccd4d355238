"""Thin inspect wrappers: a dict-valued Score per episode, and mean / CI metrics per key.

Undefined per-episode values (NaN) are stored as None, which inspect's JSON logs keep exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from inspect_ai.scorer import Metric, SampleScore, Score, Scorer, Target, metric
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
        return mean_ci(_floats(scores)).value

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
    """Score an episode from the trajectory the inspect driver stored."""

    async def score(state: TaskState, target: Target) -> Score:
        record = EpisodeRecord(store=state.store)
        values = episode_metrics(record.summary, record.steps, record.asked, record.invalid)
        return Score(
            value={k: (None if math.isnan(v) else v) for k, v in values.items()},
            metadata={"calls": record.calls, "reasks": record.reasks, "invalid": record.invalid},
        )

    return score
