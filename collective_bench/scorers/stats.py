"""Across-episode aggregation: a statistic and its 95% confidence interval.

`estimate(values, kind, bounds)` is the entry point for a metric's mean over episodes. The
interval method follows the metric's KIND, because one method cannot hold its coverage for
every kind of data at the 3-16 episodes a run has (perf/interval_coverage.py measures it):

- ``"binary"`` (a 0/1 outcome per episode): Wilson score interval with continuity correction
  (scipy's ``binomtest(...).proportion_ci(method="wilsoncc")``). Plain Wilson and Jeffreys hold
  95% only on average over p: at the episode counts we use they fall to 0.90 (p=0.8, n=3), 0.92
  (p=0.9, n=5 for Wilson) and 0.92 (p=0.5, n=16 for both), and their worst cases over p are
  0.83 and 0.88; the corrected interval's worst case over p is 0.949 at every n from 2 to 40
  (0.946 at n = 1), for a width 10-25% larger.
- ``"bounded"`` (a continuous value in known bounds, e.g. a [0, 1] share): the same score
  interval applied to the mean rescaled to [0, 1]. A value in [0, 1] with mean mu has variance
  at most mu(1 - mu) (Bhatia-Davis), reached only by a 0/1 variable, so the interval built for
  that variance is conservative for any distribution in the bounds (the benchmark finds >=
  0.99), including the common one where most episodes sit exactly on a bound, where a t
  interval covers 0.41 at n = 5 (five episodes at 1 look like no spread at all). It never has
  zero width and never leaves the bounds; the price is width when the episodes really are
  concentrated (see perf/README.md).
- ``"real"`` (unbounded or skewed continuous values): Student t (scipy.stats.t quantile times
  the standard error), exact for normal data. Without bounds no method can guarantee coverage
  for the mean of a skewed distribution at a fixed n (Bahadur & Savage 1956); the benchmark
  reports what t achieves on lognormal data (below target). With no spread (n = 1, or all
  values equal) there is no estimate of the spread at all, so the interval is undefined (NaN:
  shown without a CI, never distinguishable from anything) rather than a zero-width claim.

NaN values (a quantity undefined in an episode, e.g. time to consensus when there was none) are
dropped, and the episode count reported is the count actually used.

`bootstrap` (a paired percentile bootstrap of any statistic) serves the statistics that are
not a mean (a critical fraction, a group-size effect); `mean_ci` (the percentile bootstrap of
the mean, the method of v0.1.0) is kept only for perf/interval_coverage.py to compare against.
The percentile bootstrap collapses to a point when the episodes agree and under-covers at small
n; new metrics should use `estimate`.
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
    """The mean across episodes with its percentile bootstrap CI: v0.1.0's aggregate, which no
    task uses any more; perf/interval_coverage.py measures it beside `estimate`.

    Same resampling as `bootstrap`, vectorised (about 40x faster).
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


KINDS = ("binary", "bounded", "real")
METHODS = {
    "binary": "Wilson score with continuity correction",
    "bounded": "Wilson score with continuity correction on the rescaled mean",
    "real": "Student t",
}


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2))


def score_interval(share: float, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson's score interval with continuity correction (Newcombe 1998, method 4) for a share
    in [0, 1] observed over n trials; the share need not be k/n for an integer k.

    scipy implements the same interval only for an integer count; the bounded kind needs it at
    the mean of continuous values. The unit tests check it equals scipy's at every integer count
    and Newcombe's published examples.
    """
    if n < 1 or not 0.0 <= share <= 1.0:
        raise ValueError(f"score_interval needs n >= 1 and a share in [0, 1], got {share}, {n}")
    z = _z(confidence)
    z2, centre, denom = z * z, 2 * n * share, 2 * (n + z * z)
    low = 0.0
    if share > 0.0:
        low = (centre + z2 - 1 - z * math.sqrt(z2 - 2 - 1 / n + 4 * share * (n * (1 - share) + 1)))
        low = max(0.0, low / denom)
    high = 1.0
    if share < 1.0:
        high = (centre + z2 + 1 + z * math.sqrt(z2 + 2 - 1 / n + 4 * share * (n * (1 - share) - 1)))
        high = min(1.0, high / denom)
    return min(low, share), max(high, share)


def worst_half_width(n: int, confidence: float = CONFIDENCE) -> float:
    """The longer side of a share's interval over n episodes, at the worst observable share:
    how wide a 0/1 or [0, 1] headline's interval can be, whatever the episodes show."""
    return max(max(k / n - lo, hi - k / n)
               for k in range(n + 1) for lo, hi in [score_interval(k / n, n, confidence)])


def episodes_for_half_width(target: float, confidence: float = CONFIDENCE) -> int:
    """The fewest episodes whose share interval is never longer than `target` on either side."""
    n = 1
    while worst_half_width(n, confidence) > target:
        n += 1
    return n


def _binary(data: np.ndarray, confidence: float) -> Estimate:
    if not np.isin(data, (0.0, 1.0)).all():
        bad = data[~np.isin(data, (0.0, 1.0))][0]
        raise ValueError(f"a binary metric takes per-episode values 0 or 1, got {bad!r}; "
                         "declare it 'bounded' if it is a share")
    n, k = int(data.size), int(data.sum())
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilsoncc")
    value = k / n
    return Estimate(value, min(float(ci.low), value), max(float(ci.high), value), n)


def _check_within(data: np.ndarray, low: float, high: float) -> None:
    slack = 1e-9 * (high - low) if math.isfinite(high - low) else 0.0
    if data.min() < low - slack or data.max() > high + slack:
        raise ValueError(f"a value lies outside the metric's bounds ({low!r}, {high!r}): "
                         f"[{data.min()!r}, {data.max()!r}]")


def _bounded(data: np.ndarray, bounds: tuple[float, float], confidence: float) -> Estimate:
    low, high = (float(b) for b in bounds)
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"a bounded metric needs finite bounds low < high, got {bounds!r}")
    _check_within(data, low, high)
    share = float(np.clip((np.mean(data) - low) / (high - low), 0.0, 1.0))
    lo, hi = score_interval(share, int(data.size), confidence)
    value = float(np.clip(np.mean(data), low, high))
    return Estimate(value, min(low + lo * (high - low), value),
                    max(low + hi * (high - low), value), int(data.size))


def _real(data: np.ndarray, bounds: tuple[float, float] | None, confidence: float) -> Estimate:
    if bounds is not None:
        if not float(bounds[0]) < float(bounds[1]):
            raise ValueError(f"bounds must be low < high, got {bounds!r}")
        _check_within(data, float(bounds[0]), float(bounds[1]))
    n, value = int(data.size), float(np.mean(data))
    if n < 2 or np.all(data == data[0]):
        return Estimate(value, math.nan, math.nan, n)
    # scipy.stats.ttest_1samp(...).confidence_interval() gives the same bounds (a unit test
    # checks it) but costs 2.5 ms a call against 0.4 ms, on the path of every metric.
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * np.std(data, ddof=1) / math.sqrt(n))
    low, high = value - half, value + half
    if bounds is not None:
        low, high = max(low, float(bounds[0])), min(high, float(bounds[1]))
    return Estimate(value, min(low, value), max(high, value), n)


def estimate(
    values: Sequence[float] | np.ndarray,
    kind: str,
    bounds: tuple[float, float] | None = None,
    *,
    confidence: float = CONFIDENCE,
) -> Estimate:
    """The mean over episodes with the interval for the metric's kind (see the module doc).

    `bounds` are required for "bounded" (default (0, 1)), optional for "real" (the interval is
    clipped to them) and not used for "binary". NaN values are undefined episodes: excluded,
    and `n` counts the defined ones; no defined value gives NaN everywhere with n = 0.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown metric kind {kind!r}; use one of {', '.join(KINDS)}")
    data = np.asarray(values, dtype=float).ravel()
    data = data[~np.isnan(data)]
    if data.size == 0:
        return _nan_estimate()
    if not np.isfinite(data).all():
        raise ValueError("a per-episode value is infinite; an undefined episode must be NaN")
    if kind == "binary":
        return _binary(data, confidence)
    if kind == "bounded":
        return _bounded(data, bounds if bounds is not None else (0.0, 1.0), confidence)
    return _real(data, bounds, confidence)


def pvalue(p: float, n: int) -> Estimate:
    """A test's p-value as an Estimate: no interval, because a p-value estimates nothing (the
    leaderboard shows `*_pvalue` metrics as "p = ..." beside their metric, never ranked)."""
    return Estimate(float(p), math.nan, math.nan, n)


def folded(est: Estimate, centre: float) -> Estimate:
    """|X - centre| from an estimate of X, e.g. a bias |P(first label wins) - 1/2| from the
    binary estimate of P: X's interval mapped through the fold (down to 0 when it holds the
    centre), so it covers whenever X's interval does. A percentile bootstrap of |mean - c| does
    not: it cannot reach 0, and collapses when the episodes agree."""
    value = abs(est.value - centre)
    if math.isnan(est.ci_low) or math.isnan(est.ci_high):
        return Estimate(value, math.nan, math.nan, est.n)
    low, high = est.ci_low - centre, est.ci_high - centre
    if low <= 0.0 <= high:
        return Estimate(value, 0.0, max(-low, high), est.n)
    return Estimate(value, min(abs(low), abs(high)), max(abs(low), abs(high)), est.n)
