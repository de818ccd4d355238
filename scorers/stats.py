"""Across-episode aggregation: a statistic and its bootstrap 95% confidence interval.

Episodes are the unit of resampling. The bootstrap uses scipy's percentile method with a fixed
seed, so the same per-episode values always give the same interval (scores are reproducible to the
byte). NaN values (a quantity undefined in an episode, e.g. time to consensus when there was none)
are dropped, and the episode count reported is the count actually used.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

CONFIDENCE = 0.95
N_RESAMPLES = 2000
BOOTSTRAP_SEED = 20250101


@dataclass(frozen=True)
class Estimate:
    """A statistic over episodes with its CI; NaN everywhere when no episode defines it."""

    value: float
    ci_low: float
    ci_high: float
    n: int


def _nan_estimate(n: int = 0) -> Estimate:
    return Estimate(math.nan, math.nan, math.nan, n)


def bootstrap(
    columns: Sequence[Sequence[float]],
    statistic: Callable[..., float],
    confidence: float = CONFIDENCE,
    n_resamples: int = N_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> Estimate:
    """`statistic(*columns)` with a paired percentile bootstrap CI over episodes (rows).

    Rows with a NaN in any column are dropped first.
    """
    data = np.array([np.asarray(c, dtype=float) for c in columns])
    if data.ndim != 2 or data.shape[1] == 0:
        return _nan_estimate()
    keep = ~np.isnan(data).any(axis=0)
    data = data[:, keep]
    n = int(data.shape[1])
    if n == 0:
        return _nan_estimate()
    value = float(statistic(*data))
    if n == 1 or np.all(data == data[:, :1]):
        return Estimate(value, value, value, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = stats.bootstrap(
            tuple(data),
            statistic,
            paired=True,
            vectorized=False,
            n_resamples=n_resamples,
            confidence_level=confidence,
            method="percentile",
            random_state=np.random.default_rng(seed),
        )
    low, high = float(result.confidence_interval.low), float(result.confidence_interval.high)
    if math.isnan(low) or math.isnan(high):
        low = high = value
    return Estimate(value, min(low, value), max(high, value), n)


def mean_ci(values: Sequence[float]) -> Estimate:
    """The mean across episodes with its bootstrap CI (the default aggregate of every metric)."""
    return bootstrap([values], lambda x: float(np.mean(x)))
