"""Metric math of the conventions family, against hand-computed values."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

from collective_bench.benchmarks.conventions.spec import (
    COMMITTED_MINORITY,
    NAMING_GAME,
    NAMING_GAME_BINARY,
)
from collective_bench.scorers.conventions import (
    collective_bias,
    committed_episode_metrics,
    consensus_interaction,
    critical_fraction,
    critical_fraction_of,
    final_agreement,
    first_choices,
    individual_bias,
    km_median,
    naming_episode_metrics,
    population_rounds,
    tipped_interaction,
    winner,
)


def _steps(plays: list[tuple[int, int, int, int]], n: int) -> list[dict[str, Any]]:
    """One step per interaction (a, label of a, b, label of b), as the pairs schedule writes."""
    out = []
    for t, (a, la, b, lb) in enumerate(plays, start=1):
        act = [-2] * n
        act[a], act[b] = la, lb
        out.append({"round": t, "t": t, "pairs": [[a, b]], "act": act,
                    "ok": [int(la >= 0 and la == lb)]})
    return out


# N=2: 3N = 6 successes. Interactions 1 (0 vs 1) and 2 (invalid) fail, 3..8 succeed.
PLAYS2 = [(0, 0, 1, 1), (1, -1, 0, 1)] + [(0, 1, 1, 1)] * 6


def test_consensus_is_where_the_first_3n_run_ends() -> None:
    assert consensus_interaction(_steps(PLAYS2, 2), 2) == 8
    # one short of 3N
    assert consensus_interaction(_steps(PLAYS2[:-1], 2), 2) is None
    # a failure resets the streak; the first full run is interactions 6..11
    plays = [(0, 0, 1, 1)] + [(0, 1, 1, 1)] * 3 + [(0, 0, 1, 1)] + [(0, 0, 1, 0)] * 6
    assert consensus_interaction(_steps(plays, 2), 2) == 11


def test_consensus_counts_interactions_within_a_concurrent_round() -> None:
    # N=4 in rounds of two pairs (3N = 12): interaction 2 starts the streak, 13 ends it
    rows = [[0, 1, 1, 1]] + [[1, 1, 1, 1]] * 6
    steps = [{"round": r, "pairs": [[0, 1], [2, 3]], "act": act,
              "ok": [int(act[0] == act[1]), int(act[2] == act[3])]}
             for r, act in enumerate(rows, start=1)]
    assert consensus_interaction(steps, 4) == 13


def test_population_rounds_bin_n_interactions() -> None:
    steps = _steps([(0, 0, 1, 1), (2, 1, 3, 1), (0, 1, 2, 1), (1, 1, 3, -1), (0, 0, 1, 0)], 4)
    bins = population_rounds(steps, 4)
    assert [len(b) for b in bins] == [8, 2]
    assert bins[1] == [(0, 0), (1, 0)]
    assert [len(b) for b in population_rounds(steps, 4, frozenset({0}))] == [6, 1]


def test_final_agreement_counts_invalid_and_idle_against() -> None:
    assert final_agreement([0, 0, 1, -1]) == (0.5, 0)
    assert final_agreement([1, 0]) == (0.5, 0)  # a tie goes to the lowest index
    assert final_agreement([-1, -2]) == (0.0, -1)


def test_winner_and_first_choices() -> None:
    steps = _steps([(0, 1, 1, 0), (2, 1, 3, 1)] + [(0, 0, 1, 0)] * 6, 4)
    assert winner(steps, 2) == 0  # the last 3N = 6 interactions all name label 0
    assert sorted(first_choices(steps, 4)) == [0, 1, 1, 1]


def test_tipping_needs_three_complete_population_rounds() -> None:
    # N=2, agent 1 committed to label 1: agent 0's plays decide; bins of 2 interactions
    alt, old = (0, 1, 1, 1), (0, 0, 1, 1)
    steps = _steps([old, old, alt, alt, alt, alt, alt, alt], 2)
    assert tipped_interaction(steps, 2, frozenset({1})) == 8
    assert tipped_interaction(steps[:7], 2, frozenset({1})) is None  # the 3rd bin is short
    broken = _steps([alt, alt, alt, old, alt, alt, alt, alt], 2)
    assert tipped_interaction(broken, 2, frozenset({1})) is None


def test_naming_episode_metrics_by_hand() -> None:
    summary = {"n_agents": 2, "n_labels": 2}
    m = naming_episode_metrics(summary, _steps(PLAYS2, 2), asked=16, invalid=1)
    assert m["consensus"] == 1.0
    assert m["consensus_time"] == m["time_to_consensus"] == 4.0  # interaction 8 / N
    assert m["success_rate"] == 0.75 and m["interactions"] == 8.0
    assert m["invalid_rate"] == 1 / 16
    assert m["final_agreement"] == 1.0 and m["labels_in_use_final"] == 1.0
    assert m["labels_in_use_mean"] == pytest.approx((2 + 1 + 1 + 1) / 4)
    assert m["winner_is_first"] == 0.0  # label 1 won
    assert m["first_choice_first"] == 0.5 and m["first_choice_n"] == 2.0


def test_an_episode_without_consensus_is_censored_at_the_cap() -> None:
    summary = {"n_agents": 2, "n_labels": 10}
    m = naming_episode_metrics(summary, _steps(PLAYS2[:-1], 2), asked=14, invalid=1)
    assert m["consensus"] == 0.0
    assert m["consensus_time"] == 3.5  # censored at 7 interactions / N
    assert math.isnan(m["time_to_consensus"]) and math.isnan(m["winner_is_first"])
    assert math.isnan(m["first_choice_n"])  # W=10: no bias metrics


def test_committed_episode_metrics_by_hand() -> None:
    summary = {"n_agents": 2, "committed": [1], "committed_fraction": 0.5}
    alt, old = (0, 1, 1, 1), (0, 0, 1, 1)
    m = committed_episode_metrics(summary, _steps([old, alt, alt, alt, alt, alt, alt, alt], 2),
                                  asked=8, invalid=0)
    assert m["tipped"] == 1.0 and m["time_to_tip"] == 4.0 and m["alternative_share_final"] == 1.0
    m = committed_episode_metrics(summary, _steps([old, old, alt], 2), asked=3, invalid=1)
    assert m["tipped"] == 0.0 and math.isnan(m["time_to_tip"])
    assert m["alternative_share_final"] == 1.0 and m["invalid_rate"] == pytest.approx(1 / 3)


def test_km_median_without_censoring_is_the_plain_median() -> None:
    for times in ([3.0, 9.0, 4.0], [7.0, 1.0, 5.0, 12.0], [2.0, 2.0, 8.0, 9.0, 30.0, 31.0]):
        est = km_median(times, [1.0] * len(times))
        assert est.value == pytest.approx(float(np.median(times)))
        assert est.ci_low <= est.value <= est.ci_high and est.n == len(times)


def test_km_median_keeps_censored_episodes() -> None:
    # S: 0.8 after 2, 0.6 after 4, (6 censored), 0.3 after 8: the median is 8. Dropping the
    # censored episode would give median(2, 4, 8, 10) = 6.
    est = km_median([2, 4, 6, 8, 10], [1, 1, 0, 1, 1])
    assert est.value == 8.0 and est.n == 5
    # S sits at exactly 1/2 from 9 to 12: the median is the midpoint, 10.5
    assert km_median([5, 7, 9, 12, 20, 20], [1, 1, 1, 1, 0, 0]).value == 10.5
    # fewer than half converged: the median is beyond the cap, undefined
    assert math.isnan(km_median([3, 20, 20], [1, 0, 0]).value)
    assert math.isnan(km_median([20, 20], [0, 0]).value)
    wide = km_median([4, 6, 9, 15, 20, 20], [1, 1, 1, 1, 0, 0])
    assert wide.ci_low < wide.value < wide.ci_high


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
    assert critical_fraction_of(f, np.zeros(6)) == 1.0  # none tips: censored, shown as 1.0
    # Order of episodes does not matter.
    shuffled = np.array([0.3, 0.1, 0.2, 0.3, 0.2, 0.1])
    assert critical_fraction_of(shuffled, np.array([1, 0, 0, 0, 1, 0.0])) == 0.2


def test_critical_fraction_estimate_has_a_real_interval() -> None:
    fractions = [0.1] * 4 + [0.2] * 4 + [0.3] * 4
    tipped = [0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1]
    est = critical_fraction(fractions, tipped)
    # 0/4 at 0.1 confidently does not tip (Wilson upper 0.49); 4/4 at 0.3 confidently does
    # (Wilson lower 0.51): the tipping point lies in (0.1, 0.3]
    assert est.value == 0.2 and est.n == 12
    assert (est.ci_low, est.ci_high) == (0.1, 0.3)
    # Every episode tipped, but 2 of 2 is not confident (Wilson lower 0.34): nothing bounds the
    # tipping point from above, and nothing tested lies below it
    always = critical_fraction([0.1, 0.1, 0.2, 0.2], [1, 1, 1, 1])
    assert (always.value, always.ci_low, always.ci_high) == (0.1, 0.0, 1.0)
    # Never tipped in 5 episodes per fraction: censored above the largest tested fraction, and
    # the interval says so instead of collapsing to 1.0 +/- 0
    never = critical_fraction([0.1] * 5 + [0.3] * 5, [0] * 10)
    assert (never.value, never.ci_low, never.ci_high) == (1.0, 0.3, 1.0)
    # Many agreeing episodes tipping at the smallest fraction: at or below it, not a point
    sure = critical_fraction([0.1] * 20, [1] * 20)
    assert (sure.value, sure.ci_low, sure.ci_high) == (0.1, 0.0, 0.1)


def _naming_episode(winner_is_first: float, consensus: float, time: float = 10.0
                    ) -> dict[str, float]:
    return {
        "consensus": consensus,
        "consensus_time": time if consensus else 100.0,
        "time_to_consensus": time if consensus else math.nan,
        "final_agreement": 1.0,
        "labels_in_use_final": 1.0,
        "labels_in_use_mean": 1.5,
        "success_rate": 0.8,
        "invalid_rate": 0.0,
        "winner_is_first": winner_is_first,
        "first_choice_first": 0.5,
        "first_choice_n": 24.0,
    }


def test_naming_aggregate() -> None:
    """The declared aggregate of the naming games (the W=2 task adds the bias metrics)."""
    episodes = [_naming_episode(1.0, 1.0)] * 9 + [_naming_episode(0.0, 0.0)]
    out = NAMING_GAME_BINARY.aggregate(episodes)
    assert list(out) == NAMING_GAME_BINARY.metric_names(NAMING_GAME_BINARY.resolve())
    assert out["consensus"].value == pytest.approx(0.9) and out["consensus"].n == 10
    # every episode counts in the survival estimate, the censored one too
    assert out["time_to_consensus"].n == 10 and out["time_to_consensus"].value == 10.0
    assert out["collective_bias"].value == pytest.approx(0.4)
    assert out["collective_bias_pvalue"].value == pytest.approx(0.021484375)
    assert out["individual_bias"].value == pytest.approx(0.0)
    assert out["individual_bias_pvalue"].value == pytest.approx(1.0)
    w10 = NAMING_GAME.aggregate(
        [{**_naming_episode(math.nan, 1.0), "first_choice_n": math.nan}] * 3)
    assert list(w10) == NAMING_GAME.metric_names(NAMING_GAME.resolve())
    assert "collective_bias" not in w10 and "individual_bias" not in w10
    mostly_censored = NAMING_GAME.aggregate([_naming_episode(math.nan, 0.0)] * 3
                                            + [_naming_episode(math.nan, 1.0, 7.0)])
    assert mostly_censored["consensus"].value == 0.25
    assert math.isnan(mostly_censored["time_to_consensus"].value)


def test_committed_aggregate() -> None:
    base = {"time_to_tip": math.nan, "alternative_share_final": 0.0, "invalid_rate": 0.0}
    episodes = [
        {**base, "committed_fraction": f, "tipped": t}
        for f, t in [(0.1, 0.0), (0.1, 0.0), (0.3, 1.0), (0.3, 1.0)]
    ]
    out = COMMITTED_MINORITY.aggregate(episodes)
    assert list(out) == COMMITTED_MINORITY.metric_names(COMMITTED_MINORITY.resolve())
    assert out["tipped"].value == 0.5
    assert out["critical_fraction"].value == 0.3
    assert out["critical_fraction_censored"].value == 0.0
    assert out["time_to_tip"].n == 0
    none = COMMITTED_MINORITY.aggregate([{**e, "tipped": 0.0} for e in episodes])
    assert none["critical_fraction"].value == 1.0
    assert none["critical_fraction_censored"].value == 1.0
