"""Calibration: NamingGame (the task's Game) played by minimal-naming-game agents reproduces the
minimal naming game (Baronchelli et al. 2006), under the direct driver."""

from __future__ import annotations

import random

import pytest

from collective_bench.benchmarks.conventions.calibration import (
    MinimalAgents,
    calibrate_naming,
    run_minimal,
)
from collective_bench.errors import UserError


def _record(speaker: int, hearer: int, word: int, ok: int, t: int) -> dict:
    act = [-2] * 4
    act[speaker] = word
    return {"pairs": [[speaker, hearer]], "ok": [ok], "t": t, "act": act}


def test_minimal_rules_by_hand() -> None:
    agents = MinimalAgents(4)
    obs = {"labels": [f"w{i}" for i in range(4)]}
    rng = random.Random(0)
    # 0 has nothing to say: it invents word 0; 1 does not know it, names another word (failure)
    assert agents.speaker({**obs, "agent": 0}, rng) == "w0"
    assert agents.hearer({**obs, "agent": 1}, rng) != "w0"
    agents.update(_record(0, 1, 0, 0, 1))
    assert agents.inventories[:2] == [[0], [0]] and agents.total_words == 2
    # 2 invents word 1 and tells 1: failure, 1 learns it too
    assert agents.speaker({**obs, "agent": 2}, rng) == "w1"
    agents.update(_record(2, 1, 1, 0, 2))
    assert agents.inventories[1] == [0, 1] and agents.total_words == 4
    # 0 says word 0 to 1, who knows it: both collapse to it
    agents.speaker({**obs, "agent": 0}, rng)
    assert agents.hearer({**obs, "agent": 1}, rng) == "w0"
    agents.update(_record(0, 1, 0, 1, 3))
    assert agents.inventories[:3] == [[0], [0], [1]] and agents.total_words == 3
    assert agents.peak_words == 4 and agents.peak_time == 2


def test_the_games_consensus_follows_global_agreement_within_3n() -> None:
    agreed = 0
    for seed in range(4):
        run = run_minimal(16, seed)
        if run.agreement_at is not None:
            # after global agreement every interaction succeeds: the 3N run ends within 3N
            assert run.agreement_at < run.convergence_time <= run.agreement_at + 3 * 16
            agreed += 1
        assert run.peak_time < run.convergence_time
    assert agreed >= 2


def test_scaling_exponents_are_near_one_and_a_half() -> None:
    result = calibrate_naming([32, 64, 128], runs=3, seed=1)
    e = result["exponents"]
    # small populations sit below the asymptotic 1.5 (t_conv/N^1.5 falls with N); the peak
    # quantities are closest to it
    assert 1.1 < e["convergence_time"] < 1.7
    assert 1.3 < e["peak_words"] < 1.7 and 1.3 < e["peak_time"] < 1.7


def test_bad_sizes_are_refused() -> None:
    from collective_bench.benchmarks.conventions.calibration import run_from_args

    class Args:
        sizes, runs, seed = "64", 2, 0

    with pytest.raises(UserError, match="at least two"):
        run_from_args(Args())
