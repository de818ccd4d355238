"""Known results of the reference models under the direct driver (small N, few runs)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy import stats

from collective_bench.benchmarks.opinions.calibration import (
    calibrate_deffuant,
    final_clusters,
    render,
)
from collective_bench.benchmarks.opinions.game import OpinionGame, OpinionParams
from collective_bench.benchmarks.opinions.policies import (
    deffuant,
    hegselmann_krause,
    stochastic_round,
    voter,
)
from collective_bench.driver_direct import run_direct
from collective_bench.scorers.polarization import diversity, esteban_ray
from collective_bench.seeds import derive_seed


def test_voter_model_win_probability_equals_initial_share():
    # Synchronous voter model on a complete graph: the share of an opinion is a martingale, so
    # it wins with probability equal to its initial share (2 of 8 agents: 0.25).
    game = OpinionGame(OpinionParams(
        n_agents=8, degree=2, topology="complete", initial="two_camps", camp_share=0.25,
        max_shown=7, max_rounds=2000, stop_at_consensus=True,
    ))
    runs = 400
    wins = 0
    for r in range(runs):
        final = run_direct(game, derive_seed("voter", r), lambda _a: voter, keep_steps=False)
        opinions = set(final.summary["final_opinions"])
        assert len(opinions) == 1, "the voter model must reach consensus"
        wins += opinions == {2}
    assert stats.binomtest(wins, runs, 0.25).pvalue > 0.001
    assert abs(wins / runs - 0.25) < 0.07


def test_bounded_confidence_keeps_distant_camps_apart():
    # camps at -2 and +2 are 4 levels apart, beyond eps = 2: nobody moves, the split stays
    game = OpinionGame(OpinionParams(n_agents=12, topology="complete", initial="two_camps",
                                     max_shown=11, max_rounds=6))
    final = run_direct(game, 0, lambda _a: deffuant).summary["final_opinions"]
    assert sorted(final) == [-2] * 6 + [2] * 6
    assert esteban_ray(final) == pytest.approx(2 / 3)  # normalised distance 4/6, two equal camps


def test_hegselmann_krause_contracts_a_uniform_population():
    game = OpinionGame(OpinionParams(n_agents=24, topology="complete", max_shown=23,
                                     max_rounds=8))
    trajectory = run_direct(game, 4, lambda _a: hegselmann_krause)
    start, end = trajectory.summary["initial_opinions"], trajectory.summary["final_opinions"]
    assert diversity(end) < 0.6 * diversity(start)


def test_stochastic_rounding_is_unbiased():
    rng = random.Random(0)
    values = [stochastic_round(0.3, rng) for _ in range(4000)]
    assert set(values) == {0, 1}
    assert abs(np.mean(values) - 0.3) < 0.03
    assert stochastic_round(5.0, rng) == 3 and stochastic_round(-9.0, rng) == -3


def test_task_game_with_deffuant_agents_gives_floor_one_over_two_eps_clusters():
    # the opinion_dynamics Game itself (continuous calibration mode), scripted Deffuant agents
    result = calibrate_deffuant([0.15, 0.5], n_agents=100, runs=2, seed=1, rounds=100)
    assert result["predicted"] == [3, 1]
    for got, want in zip(result["major_clusters"], result["predicted"], strict=True):
        assert abs(got - want) <= 0.5
    assert "floor(1/2eps)" in render(result) and "OpinionGame" in result["game"]


def test_calibration_mode_keeps_real_positions_and_settles_to_points():
    game = OpinionGame(OpinionParams(n_agents=60, topology="complete", degree=59,
                                     continuous=True, max_rounds=100))
    trajectory = run_direct(game, 0, lambda _a: deffuant, keep_steps=False)
    start = trajectory.summary["initial_opinions"]
    end = np.array(trajectory.summary["final_opinions"])
    assert any(v != int(v) for v in start)  # real positions, not the 7-point scale
    # eps = 2 levels = 1/3 of the range: one or two clusters, each collapsed to a point
    gaps = np.diff(np.sort(end))
    assert np.all((gaps < 1e-4) | (gaps > 2.0))
    assert final_clusters(60, 0.5, 0.5, 0, 100) == 1


def test_integer_mode_refuses_real_positions():
    game = OpinionGame(OpinionParams(n_agents=4, degree=2, max_rounds=1))
    state = game.initial_state(0)
    before = state.opinions[0]
    after = game.step(state, {0: {"opinion": 0.5, "message": ""}}).state
    assert after.opinions[0] == before
