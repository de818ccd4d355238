"""Metric math of the conventions family, against hand-computed values."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

from scorers.conventions import (
    aggregate_committed,
    aggregate_naming,
    collective_bias,
    committed_episode_metrics,
    critical_fraction,
    critical_fraction_of,
    final_agreement,
    held_success_round,
    individual_bias,
    labels_in_use,
    naming_episode_metrics,
    strict_consensus_round,
    success_rates,
    tipping_round,
)


def _steps(acts: list[list[int]], pairs: list[list[int]]) -> list[dict[str, Any]]:
    """Step records as the game writes them; ok = both named the same valid label."""
    out = []
    for r, act in enumerate(acts, start=1):
        ok = [int(act[a] >= 0 and act[a] == act[b]) for a, b in pairs]
        out.append({"round": r, "pairs": [list(p) for p in pairs], "act": act, "ok": ok})
    return out


# N=2: one interaction per round, so 3N = 6 successes means 6 successful rounds in a row.
# Round 1 fails (0 vs 1), round 2 fails (agent 1 invalid), rounds 3..8 succeed.
PAIR2 = [[0, 1]]
ACTS2 = [[0, 1], [1, -1]] + [[1, 1]] * 6


def test_strict_consensus_round_n2() -> None:
    assert strict_consensus_round(_steps(ACTS2, PAIR2), n_agents=2) == 3


def test_strict_consensus_needs_3n_successes() -> None:
    # Five successes in a row are one short of 3N = 6.
    assert strict_consensus_round(_steps(ACTS2[:-1], PAIR2), n_agents=2) is None
    # A failure in round 5 resets the streak: rounds 6..11 are the first 6 in a row.
    acts = [[0, 1], [1, 1], [1, 1], [1, 1], [0, 1]] + [[0, 0]] * 6
    assert strict_consensus_round(_steps(acts, PAIR2), n_agents=2) == 6


def test_strict_consensus_streak_can_start_mid_round() -> None:
    # N=4 (two pairs, 3N = 12): round 1's second interaction starts the streak.
    pairs = [[0, 1], [2, 3]]
    acts = [[0, 1, 1, 1]] + [[1, 1, 1, 1]] * 5
    assert strict_consensus_round(_steps(acts, pairs), n_agents=4) is None  # 1 + 10 = 11
    acts.append([1, 1, 1, 1])
    assert strict_consensus_round(_steps(acts, pairs), n_agents=4) == 1  # 13 >= 12
    # If the failure is the round's last interaction, the streak starts in round 2.
    acts = [[1, 1, 0, 1]] + [[1, 1, 1, 1]] * 6
    assert strict_consensus_round(_steps(acts, pairs), n_agents=4) == 2


def test_success_rates_and_held_success_round() -> None:
    pairs = [[0, 1], [2, 3]]
    acts = [[0, 1, 0, 0], [0, 0, 1, 1], [-1, -1, 0, 0]]
    # Two invalid answers do not match each other: that interaction fails.
    assert success_rates(_steps(acts, pairs)) == [0.5, 1.0, 0.5]
    rates = [0.5, 0.96, 0.95, 0.94, 0.95, 1.0, 0.99]
    assert held_success_round(rates) == 5  # rounds 5, 6, 7 are all >= 0.95 (inclusive)
    assert held_success_round(rates[:6]) is None
    assert held_success_round([0.95, 0.95, 0.95]) == 1
    assert held_success_round([1.0, 1.0, 0.5, 1.0], hold=2) == 1
    assert held_success_round([0.9, 1.0, 0.9], threshold=0.9, hold=3) == 1
    assert held_success_round([]) is None


def test_final_agreement_counts_invalid_against() -> None:
    assert final_agreement([2, 2, -1, 0]) == (0.5, 2)
    assert final_agreement([3, 3, 3, 3]) == (1.0, 3)
    assert final_agreement([1, 1, 1, -1]) == (0.75, 1)


def test_final_agreement_ties_and_all_invalid() -> None:
    assert final_agreement([1, 0, 1, 0]) == (0.5, 0)  # tie goes to the lowest index
    assert final_agreement([-1, -1]) == (0.0, -1)


def test_labels_in_use_excludes_invalid() -> None:
    pairs = [[0, 1], [2, 3]]
    assert labels_in_use(_steps([[0, 1, -1, 1], [-1, -1, -1, -1], [4, 4, 4, 4]], pairs)) == [
        2,
        0,
        1,
    ]


def test_tipping_round() -> None:
    # N=4, alternative = label 1; 0.95 of 4 plays means all 4. Shares: .5, 1, 1, .75, 1, 1, 1.
    pairs = [[0, 1], [2, 3]]
    acts = [[1, 1, 0, 0], [1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, -1]] + [[1, 1, 1, 1]] * 3
    steps = _steps(acts, pairs)
    assert tipping_round(steps) == 5
    assert tipping_round(steps[:6]) is None
    assert tipping_round(steps, share=0.75) == 2
    assert tipping_round(steps, alternative=0) is None


def test_naming_episode_metrics_by_hand() -> None:
    summary = {"n_agents": 2, "n_labels": 2}
    m = naming_episode_metrics(summary, _steps(ACTS2, PAIR2), asked=16, invalid=1)
    assert m == {
        "consensus": 1.0,
        "time_to_consensus": 3.0,
        "time_to_95_success": 3.0,  # success rates 0, 0, 1, 1, 1, ...
        "final_agreement": 1.0,
        "labels_in_use_final": 1.0,
        "labels_in_use_mean": 9 / 8,  # 2, 1 (one answer invalid), then 1 for six rounds
        "success_rate": 6 / 8,
        "rounds_played": 8.0,
        "invalid_rate": 1 / 16,
        "winner_is_first": 0.0,  # label 1 won
        "first_choice_first": 0.5,  # round 1: agent 0 named label 0, agent 1 label 1
        "first_choice_n": 2.0,
    }


def test_naming_episode_metrics_without_consensus_and_w10() -> None:
    summary = {"n_agents": 2, "n_labels": 10}
    m = naming_episode_metrics(summary, _steps(ACTS2[:-1], PAIR2), asked=0, invalid=0)
    assert m["consensus"] == 0.0
    assert math.isnan(m["time_to_consensus"])
    assert m["time_to_95_success"] == 3.0
    assert m["invalid_rate"] == 0.0
    # Bias quantities are only defined for W = 2.
    assert math.isnan(m["winner_is_first"])
    assert math.isnan(m["first_choice_first"]) and math.isnan(m["first_choice_n"])


def test_committed_episode_metrics_by_hand() -> None:
    pairs = [[0, 1], [2, 3]]
    summary = {"committed": [3], "committed_fraction": 0.25}
    acts = [[0, 0, 0, 1], [1, 1, 0, 1]] + [[1, 1, 1, 1]] * 3
    m = committed_episode_metrics(summary, _steps(acts, pairs), asked=14, invalid=0)
    assert m == {
        "tipped": 1.0,
        "time_to_tip": 3.0,
        "committed_fraction": 0.25,
        "alternative_share_final": 1.0,
        "rounds_played": 5.0,
        "invalid_rate": 0.0,
    }
    # No tip; the final share is over free agents only (0, 1, 2), an invalid answer counts 0.
    acts = [[0, 0, 0, 1], [1, -1, 0, 1]]
    m = committed_episode_metrics(summary, _steps(acts, pairs), asked=6, invalid=1)
    assert m["tipped"] == 0.0 and math.isnan(m["time_to_tip"])
    assert m["alternative_share_final"] == pytest.approx(1 / 3)
    assert m["invalid_rate"] == pytest.approx(1 / 6)


def test_collective_bias_value_and_binomial_pvalue() -> None:
    # 9 of 10 episodes won by the first label: |0.9 - 0.5| = 0.4 and the two-sided p-value is
    # 2 * P(X >= 9 | n=10, p=1/2) = 2 * (10 + 1) / 1024 = 0.021484375.
    wins = [1.0] * 9 + [0.0]
    est, p = collective_bias(wins)
    assert est.value == pytest.approx(0.4)
    assert est.n == 10
    assert est.ci_low <= 0.4 <= est.ci_high
    assert p == pytest.approx(0.021484375, abs=1e-12)
    assert p == pytest.approx(stats.binomtest(9, 10, 0.5).pvalue, abs=1e-12)
    # A NaN (undefined episode) is dropped from both the estimate and the test.
    est2, p2 = collective_bias(wins + [math.nan])
    assert est2.n == 10 and p2 == pytest.approx(p)


def test_collective_bias_balanced_and_empty() -> None:
    est, p = collective_bias([1.0, 0.0, 1.0, 0.0])
    assert est.value == 0.0 and p == 1.0
    est, p = collective_bias([math.nan])
    assert est.n == 0 and math.isnan(p)


def test_individual_bias_pools_choices() -> None:
    # Episode shares 1.0 of 2 agents and 0.5 of 4 agents: 2 + 2 = 4 of 6 first choices name the
    # first label, |4/6 - 1/2| = 1/6; two-sided p = 2 * P(X >= 4 | 6) = 2 * 22/64 = 0.6875.
    est, p = individual_bias([1.0, 0.5], [2.0, 4.0])
    assert est.value == pytest.approx(1 / 6)
    assert est.n == 2
    assert p == pytest.approx(0.6875)
    assert p == pytest.approx(stats.binomtest(4, 6, 0.5).pvalue)
    est, p = individual_bias([0.75, 0.25], [4.0, 4.0])
    assert est.value == pytest.approx(0.0) and p == pytest.approx(1.0)


def test_critical_fraction_of_crafted_arrays() -> None:
    f = np.array([0.1, 0.1, 0.2, 0.2, 0.3, 0.3])
    assert critical_fraction_of(f, np.array([0, 0, 1, 0, 1, 1.0])) == 0.2  # half tipped at 0.2
    assert critical_fraction_of(f, np.array([0, 0, 0, 0, 0, 1.0])) == 0.3
    assert critical_fraction_of(f, np.array([1, 0, 0, 0, 1, 1.0])) == 0.1
    assert math.isnan(critical_fraction_of(f, np.zeros(6)))
    # Order of episodes does not matter.
    shuffled = np.array([0.3, 0.1, 0.2, 0.3, 0.2, 0.1])
    assert critical_fraction_of(shuffled, np.array([1, 0, 0, 0, 1, 0.0])) == 0.2


def test_critical_fraction_estimate_has_a_real_interval() -> None:
    # Some resamples tip at no level (statistic NaN); the CI must still span 0.2..0.3.
    fractions = [0.1] * 4 + [0.2] * 4 + [0.3] * 4
    tipped = [0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1]
    est = critical_fraction(fractions, tipped)
    assert est.value == 0.2 and est.n == 12
    assert est.ci_low == 0.2 and est.ci_high == 0.3
    # Every episode tipped, but 1/2^4 = 6.25% (> 2.5%) of resamples hold no 0.1 episode and
    # give 0.2: the upper bound is 0.2, not a point interval.
    always = critical_fraction([0.1, 0.1, 0.2, 0.2], [1, 1, 1, 1])
    assert (always.value, always.ci_low, always.ci_high) == (0.1, 0.1, 0.2)


def _naming_episode(winner_is_first: float, consensus: float) -> dict[str, float]:
    return {
        "consensus": consensus,
        "time_to_consensus": 10.0 if consensus else math.nan,
        "time_to_95_success": 8.0,
        "final_agreement": 1.0,
        "labels_in_use_final": 1.0,
        "labels_in_use_mean": 1.5,
        "success_rate": 0.8,
        "invalid_rate": 0.0,
        "winner_is_first": winner_is_first,
        "first_choice_first": 0.5,
        "first_choice_n": 24.0,
    }


def test_aggregate_naming() -> None:
    episodes = [_naming_episode(1.0, 1.0)] * 9 + [_naming_episode(0.0, 0.0)]
    out = aggregate_naming(episodes)
    assert out["consensus"].value == pytest.approx(0.9)
    assert out["time_to_consensus"].n == 9 and out["time_to_consensus"].value == 10.0
    assert out["collective_bias"].value == pytest.approx(0.4)
    assert out["collective_bias_pvalue"].value == pytest.approx(0.021484375)
    assert out["individual_bias"].value == pytest.approx(0.0)
    assert out["individual_bias_pvalue"].value == pytest.approx(1.0)
    w10 = aggregate_naming([_naming_episode(math.nan, 1.0)] * 3)
    assert "collective_bias" not in w10 and "individual_bias" not in w10


def test_aggregate_committed() -> None:
    base = {"time_to_tip": math.nan, "alternative_share_final": 0.0, "invalid_rate": 0.0}
    episodes = [
        {**base, "committed_fraction": f, "tipped": t}
        for f, t in [(0.1, 0.0), (0.1, 0.0), (0.3, 1.0), (0.3, 1.0)]
    ]
    out = aggregate_committed(episodes)
    assert out["tipped"].value == 0.5
    assert out["critical_fraction"].value == 0.3
    assert out["time_to_tip"].n == 0
