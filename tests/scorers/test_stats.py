"""Across-episode aggregation: the bootstrap CI in scorers/stats.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scorers.stats import Estimate, bootstrap, mean_ci


def test_mean_and_ci_contain_the_mean() -> None:
    est = mean_ci([1.0, 2.0, 3.0, 4.0, 5.0])
    assert est.value == 3.0
    assert est.n == 5
    assert est.ci_low < 3.0 < est.ci_high
    # A mean of values in [1, 5] cannot have a percentile bound outside [1, 5].
    assert est.ci_low >= 1.0 and est.ci_high <= 5.0


def test_constant_input_is_degenerate() -> None:
    assert mean_ci([0.7, 0.7, 0.7, 0.7]) == Estimate(0.7, 0.7, 0.7, 4)


def test_single_episode_is_degenerate() -> None:
    assert mean_ci([2.5]) == Estimate(2.5, 2.5, 2.5, 1)


def test_nans_are_dropped_and_not_counted() -> None:
    est = mean_ci([1.0, math.nan, 3.0, math.nan])
    assert est.value == 2.0
    assert est.n == 2
    assert est.ci_low == 1.0 and est.ci_high == 3.0


def test_all_nan_or_empty_gives_nan_with_n_zero() -> None:
    for values in ([], [math.nan, math.nan]):
        est = mean_ci(values)
        assert est.n == 0
        assert math.isnan(est.value) and math.isnan(est.ci_low) and math.isnan(est.ci_high)


def test_reproducible_to_the_byte() -> None:
    values = [0.1, 0.9, 0.4, 0.4, 0.8, 0.3, 0.05]
    assert mean_ci(values) == mean_ci(list(values))
    assert repr(mean_ci(values)) == repr(mean_ci(values))


def test_ci_width_matches_the_normal_approximation() -> None:
    # 0..99: mean 49.5, sd sqrt((100^2 - 1) / 12) = 28.866, se = 2.8866;
    # the 95% CI of the mean is about 49.5 +- 1.96 * 2.8866 = [43.84, 55.16].
    est = mean_ci([float(v) for v in range(100)])
    assert est.value == 49.5
    assert est.ci_low == pytest.approx(43.84, abs=0.6)
    assert est.ci_high == pytest.approx(55.16, abs=0.6)


def test_lower_confidence_gives_a_narrower_interval() -> None:
    values = [float(v) for v in range(20)]
    wide = bootstrap([values], lambda x: float(np.mean(x)))
    narrow = bootstrap([values], lambda x: float(np.mean(x)), confidence=0.5)
    assert narrow.ci_low > wide.ci_low and narrow.ci_high < wide.ci_high


def test_paired_rows_drop_together() -> None:
    # Ratio of sums; the row with a NaN in the second column is dropped from both columns.
    num = [1.0, 2.0, 3.0, 100.0]
    den = [2.0, 2.0, 2.0, math.nan]
    est = bootstrap([num, den], lambda a, b: float(np.sum(a) / np.sum(b)))
    assert est.n == 3
    assert est.value == pytest.approx(6.0 / 6.0)
    assert est.ci_low <= est.value <= est.ci_high
    assert est.ci_high < 100.0 / 2.0


def test_statistic_undefined_in_some_resamples_keeps_a_real_interval() -> None:
    # The statistic is NaN whenever a resample holds no positive value (prob (1/2)^8 each,
    # so a handful of the 2000 resamples); the interval must not collapse to a point.
    values = [0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0]

    def mean_of_positives(x: np.ndarray) -> float:
        pos = x[x > 0]
        return float(np.mean(pos)) if pos.size else math.nan

    est = bootstrap([values], mean_of_positives)
    assert est.value == 2.5
    assert est.ci_low < 2.5 < est.ci_high
    assert est.ci_low >= 1.0 and est.ci_high <= 4.0
