"""Across-episode aggregation in scorers/stats.py: `estimate` per metric kind (checked against
published Wilson values and known t quantiles, plus properties), and the legacy bootstrap."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from collective_bench.scorers.stats import (
    KINDS,
    Estimate,
    bootstrap,
    episodes_for_half_width,
    estimate,
    folded,
    mean_ci,
    pvalue,
    score_interval,
    worst_half_width,
)


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


# --- estimate(values, kind, bounds) ---------------------------------------------------------

# Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 4 (score interval with
# continuity correction), to the 4 decimals printed there.
NEWCOMBE_CC = [((81, 263), (0.2535, 0.3682)), ((15, 148), (0.0598, 0.1644)),
               ((0, 20), (0.0, 0.2005)), ((1, 29), (0.0018, 0.1963)), ((29, 29), (0.8544, 1.0))]


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_CC)
def test_binary_matches_newcombes_published_intervals(counts: tuple[int, int],
                                                      expected: tuple[float, float]) -> None:
    k, n = counts
    est = estimate([1.0] * k + [0.0] * (n - k), "binary")
    assert est.n == n and est.value == k / n
    assert est.ci_low == pytest.approx(expected[0], abs=5e-5)
    assert est.ci_high == pytest.approx(expected[1], abs=5e-5)


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_CC)
def test_bounded_reduces_to_the_same_interval_on_zero_one_values(
        counts: tuple[int, int], expected: tuple[float, float]) -> None:
    k, n = counts
    est = estimate([1.0] * k + [0.0] * (n - k), "bounded")
    assert est.ci_low == pytest.approx(expected[0], abs=5e-5)
    assert est.ci_high == pytest.approx(expected[1], abs=5e-5)


def test_score_interval_equals_scipys_at_every_integer_count() -> None:
    for n in range(1, 21):
        for k in range(n + 1):
            ci = stats.binomtest(k, n).proportion_ci(method="wilsoncc")
            low, high = score_interval(k / n, n)
            assert low == pytest.approx(ci.low, abs=1e-12), (k, n)
            assert high == pytest.approx(ci.high, abs=1e-12), (k, n)


def test_bounded_continuous_values_use_the_score_interval_of_the_mean() -> None:
    # Mean 0.5 over 4 episodes: the same interval as 2 successes in 4 trials (scipy's).
    est = estimate([0.2, 0.8, 0.4, 0.6], "bounded")
    ci = stats.binomtest(2, 4).proportion_ci(method="wilsoncc")
    assert est.value == pytest.approx(0.5)
    assert (est.ci_low, est.ci_high) == pytest.approx((float(ci.low), float(ci.high)))


def test_bounded_rescales_to_its_bounds() -> None:
    unit = estimate([0.2, 0.9, 0.4], "bounded")
    scaled = estimate([2.0, 9.0, 4.0], "bounded", bounds=(0.0, 10.0))
    shifted = estimate([-0.6, 0.8, -0.2], "bounded", bounds=(-1.0, 1.0))
    assert scaled.ci_low == pytest.approx(10 * unit.ci_low)
    assert scaled.ci_high == pytest.approx(10 * unit.ci_high)
    assert shifted.ci_low == pytest.approx(2 * unit.ci_low - 1)
    assert shifted.ci_high == pytest.approx(2 * unit.ci_high - 1)


def test_real_uses_student_t_with_known_quantiles() -> None:
    # t(0.975, 2) = 4.302653, t(0.975, 4) = 2.776445 (standard tables).
    three = estimate([1.0, 2.0, 3.0], "real")  # mean 2, sd 1, se 1/sqrt(3)
    assert three.value == 2.0
    assert three.ci_low == pytest.approx(2 - 4.302653 / math.sqrt(3), abs=1e-6)
    assert three.ci_high == pytest.approx(2 + 4.302653 / math.sqrt(3), abs=1e-6)
    five = estimate([1.0, 2.0, 3.0, 4.0, 5.0], "real")  # mean 3, sd 1.5811, se 0.70711
    assert five.ci_low == pytest.approx(3 - 2.776445 * 0.7071068, abs=1e-6)
    assert five.ci_high == pytest.approx(3 + 2.776445 * 0.7071068, abs=1e-6)


def test_real_agrees_with_scipys_one_sample_t_interval() -> None:
    values = np.random.default_rng(3).lognormal(0.0, 1.0, 7)
    est = estimate(values, "real")
    ci = stats.ttest_1samp(values, popmean=0.0).confidence_interval()
    assert (est.ci_low, est.ci_high) == pytest.approx((float(ci.low), float(ci.high)))


def test_real_without_spread_has_no_interval_rather_than_a_zero_width_one() -> None:
    for values in ([4.0], [2.0, 2.0, 2.0]):
        est = estimate(values, "real")
        assert est.value == values[0] and est.n == len(values)
        assert math.isnan(est.ci_low) and math.isnan(est.ci_high)


def test_real_is_clipped_to_bounds_when_given() -> None:
    est = estimate([0.0, 0.0, 1.0], "real", bounds=(0.0, math.inf))
    assert est.ci_low == 0.0 and est.ci_high > 1.0


def test_agreeing_episodes_never_give_a_zero_width_interval() -> None:
    # The v0.1.0 failure: five episodes at 1 gave [1, 1].
    for kind in ("binary", "bounded"):
        est = estimate([1.0] * 5, kind)
        assert est.value == 1.0 and est.ci_high == 1.0 and est.ci_low < 0.6
    assert estimate([0.7] * 5, "bounded").ci_high - estimate([0.7] * 5, "bounded").ci_low > 0.3


def test_width_is_positive_and_within_bounds_for_any_finite_sample() -> None:
    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(1, 20))
        binary = rng.integers(0, 2, n).astype(float)
        bounded = rng.choice([0.0, 1.0, 0.37, 0.9], n) if rng.random() < 0.5 else rng.random(n)
        real = rng.lognormal(0.0, 2.0, n)
        for kind, values in (("binary", binary), ("bounded", bounded), ("real", real)):
            est = estimate(values, kind)
            assert est.n == n
            assert est.ci_low <= est.value <= est.ci_high or (kind == "real" and n == 1)
            if kind != "real":
                assert 0.0 <= est.ci_low < est.ci_high <= 1.0
            elif n > 1:
                assert est.ci_high > est.ci_low


def test_width_shrinks_as_episodes_grow() -> None:
    def width(values: list[float], kind: str) -> float:
        est = estimate(values, kind)
        return est.ci_high - est.ci_low

    for kind, pattern in (("binary", [1.0, 0.0, 1.0, 1.0]), ("bounded", [0.9, 0.4, 1.0, 0.7]),
                          ("real", [3.0, 1.0, 8.0, 2.0])):
        widths = [width(pattern * m, kind) for m in (1, 2, 4, 8)]
        assert all(a > b for a, b in zip(widths, widths[1:], strict=False)), (kind, widths)
    for k in range(5):  # at every count, one more episode never widens an all-success interval
        assert width([1.0] * (k + 2), "binary") < width([1.0] * (k + 1), "binary")


def test_nan_episodes_are_excluded_and_not_counted() -> None:
    for kind in KINDS:
        est = estimate([1.0, math.nan, 0.0, 1.0, math.nan], kind)
        assert est.n == 3 and est.value == pytest.approx(2 / 3)
        empty = estimate([math.nan, math.nan], kind)
        assert empty.n == 0 and math.isnan(empty.value) and math.isnan(empty.ci_low)
        assert estimate([], kind).n == 0


@pytest.mark.parametrize(("values", "kind", "bounds", "message"), [
    ([0.0, 0.5], "binary", None, "0 or 1"),
    ([0.2, 1.2], "bounded", None, "outside"),
    ([0.2], "bounded", (1.0, 0.0), "low < high"),
    ([1.0, math.inf], "real", None, "infinite"),
    ([-1.0, 2.0], "real", (0.0, math.inf), "outside"),
    ([1.0], "proportion", None, "unknown metric kind"),
])
def test_bad_input_is_refused_with_one_line(values: list[float], kind: str,
                                            bounds: tuple[float, float] | None,
                                            message: str) -> None:
    with pytest.raises(ValueError, match=message):
        estimate(values, kind, bounds)


def test_lower_confidence_narrows_every_kind() -> None:
    for kind, values in (("binary", [1.0, 0.0, 1.0]), ("bounded", [0.2, 0.6, 0.9]),
                         ("real", [1.0, 4.0, 2.0])):
        wide, narrow = estimate(values, kind), estimate(values, kind, confidence=0.5)
        assert narrow.ci_low > wide.ci_low and narrow.ci_high < wide.ci_high


def test_pvalue_carries_no_interval() -> None:
    est = pvalue(0.031, 12)
    assert est.value == 0.031 and est.n == 12
    assert math.isnan(est.ci_low) and math.isnan(est.ci_high)


def test_folded_maps_the_interval_of_x_through_the_absolute_deviation() -> None:
    # 81/263 first-label wins: Newcombe's interval [0.2535, 0.3682] for P, so |P - 1/2| lies in
    # [0.1318, 0.2465] whenever P lies in it.
    bias = folded(estimate([1.0] * 81 + [0.0] * 182, "binary"), 0.5)
    assert bias.value == pytest.approx(0.5 - 81 / 263)
    assert bias.ci_low == pytest.approx(0.5 - 0.3682, abs=5e-5)
    assert bias.ci_high == pytest.approx(0.5 - 0.2535, abs=5e-5)
    # Five of five: P's interval [0.4629, 1] holds 1/2, so the bias can be 0.
    all_first = folded(estimate([1.0] * 5, "binary"), 0.5)
    assert all_first.value == 0.5 and all_first.ci_low == 0.0 and all_first.ci_high == 0.5
    assert math.isnan(folded(estimate([3.0], "real"), 1.0).ci_low)
    assert folded(estimate([3.0], "real"), 1.0).value == 2.0


def _longest_side(k: int, n: int) -> float:
    ci = stats.binomtest(k, n).proportion_ci(method="wilsoncc")
    return max(k / n - ci.low, ci.high - k / n)


def test_episodes_for_a_width_are_the_fewest_whose_every_interval_is_that_narrow() -> None:
    """Checked against scipy's own Wilson-cc interval at every count, not our formula."""
    n = episodes_for_half_width(0.15)
    assert all(_longest_side(k, n) <= 0.15 + 1e-12 for k in range(n + 1))
    assert any(_longest_side(k, n - 1) > 0.15 for k in range(n))
    assert worst_half_width(6) == pytest.approx(max(_longest_side(k, 6) for k in range(7)))
