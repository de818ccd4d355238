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

    Rows with a NaN in any column are dropped first. Resamples whose statistic is NaN are left
    out of the percentiles.
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
        # Some resamples left the statistic undefined (e.g. no level tipped): take the
        # percentiles over the resamples where it is defined rather than collapsing the CI.
        defined = result.bootstrap_distribution[~np.isnan(result.bootstrap_distribution)]
        if defined.size:
            alpha = 100 * (1 - confidence) / 2
            low, high = (float(q) for q in np.percentile(defined, [alpha, 100 - alpha]))
        else:
            low = high = value
    return Estimate(value, min(low, value), max(high, value), n)


def mean_ci(values: Sequence[float]) -> Estimate:
    """The mean across episodes with its bootstrap CI (the default aggregate of every metric).

    Same resampling as `bootstrap`, vectorised (about 40x faster): it runs for every metric of
    every log, so it is on the path of every `cbench scores` and leaderboard build.
    """
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    n = int(data.size)
    if n == 0:
        return _nan_estimate()
    value = float(np.mean(data))
    if n == 1 or np.all(data == data[0]):
        return Estimate(value, value, value, n)
    result = stats.bootstrap(
        (data,),
        lambda x, axis=-1: np.mean(x, axis=axis),
        vectorized=True,
        n_resamples=N_RESAMPLES,
        confidence_level=CONFIDENCE,
        method="percentile",
        random_state=np.random.default_rng(BOOTSTRAP_SEED),
    )
    low, high = float(result.confidence_interval.low), float(result.confidence_interval.high)
    return Estimate(value, min(low, value), max(high, value), n)
