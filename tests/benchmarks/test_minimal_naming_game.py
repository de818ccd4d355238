"""The minimal naming game (Baronchelli et al. 2006): rules, convergence and N^1.5 scaling."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np

from benchmarks.conventions.minimal import (
    INVENT,
    MinimalNamingGame,
    MinimalState,
    speaker_policy,
)
from collective_bench.driver_direct import run_direct
from collective_bench.game import StepResult


def _play(
    game: MinimalNamingGame, state: MinimalState, speaker: int, hearer: int, word: int | None
) -> StepResult[MinimalState]:
    state.speaker, state.hearer = speaker, hearer
    return game.step(state, {speaker: word})


def _check_counters(state: MinimalState) -> None:
    words = Counter(w for inv in state.inventories for w in inv)
    assert state.total_words == sum(len(inv) for inv in state.inventories)
    assert state.distinct == dict(words)
    assert all(len(set(inv)) == len(inv) for inv in state.inventories)  # no duplicates


def test_interaction_rules_by_hand() -> None:
    game = MinimalNamingGame(4)
    state = game.initial_state(0)
    inv = state.inventories
    # 0 has nothing to say: it invents word 0; 1 does not know it (failure) and learns it.
    rec = _play(game, state, 0, 1, INVENT).record
    assert rec == {"t": 1, "ok": 0}
    assert inv == [[0], [0], [], []] and state.next_word == 1
    _play(game, state, 1, 2, 0)
    assert inv == [[0], [0], [0], []] and state.total_words == 3
    # 0 invents word 1 although it knows word 0 (the action decides); 3 learns it.
    _play(game, state, 0, 3, INVENT)
    assert inv == [[0, 1], [0], [0], [1]] and state.distinct == {0: 3, 1: 2}
    # Success: speaker and hearer both collapse to the word said.
    rec = _play(game, state, 3, 0, 1).record
    assert rec["ok"] == 1
    assert inv == [[1], [0], [0], [1]] and state.total_words == 4 and not state.converged
    _check_counters(state)
    # An invalid action (None) is an invention, like INVENT.
    _play(game, state, 2, 1, None)
    assert inv == [[1], [0, 2], [0, 2], [1]] and state.next_word == 3
    _play(game, state, 0, 1, 1)  # failure: 1 adds word 1
    assert inv[1] == [0, 2, 1]
    _play(game, state, 0, 1, 1)  # success: 1 collapses to [1]
    _play(game, state, 3, 2, 1)  # failure: 2 learns 1
    assert not game.is_over(state)
    _play(game, state, 0, 2, 1)  # success: everyone holds exactly word 1
    assert inv == [[1], [1], [1], [1]]
    assert state.converged and game.is_over(state) and state.t == 9
    _check_counters(state)


def test_pairs_are_distinct_and_cover_everyone() -> None:
    game = MinimalNamingGame(5)
    state = game.initial_state(3)
    speakers, hearers = set(), set()
    for _ in range(300):
        assert state.speaker != state.hearer
        assert game.acting_agents(state) == [state.speaker]
        speakers.add(state.speaker)
        hearers.add(state.hearer)
        game._draw(state)
    assert speakers == hearers == set(range(5))


def test_speaker_policy() -> None:
    rng = random.Random(0)
    assert speaker_policy({"inventory": []}, rng) == INVENT
    assert {speaker_policy({"inventory": [4, 9]}, rng) for _ in range(50)} == {4, 9}


def test_converges_with_n_words_and_counters_stay_consistent() -> None:
    game = MinimalNamingGame(64)
    peaks: list[int] = []

    def on_step(state: MinimalState, record: dict[str, int]) -> None:
        peaks.append(state.total_words)
        if record["t"] % 97 == 0:
            _check_counters(state)

    traj = run_direct(game, 7, lambda _agent: speaker_policy, on_step=on_step, keep_steps=False)
    assert traj.summary["converged"] is True
    assert traj.steps == []
    assert traj.summary["steps"] == len(peaks)
    assert peaks[-1] == 64  # total words at the end equal N
    assert max(peaks) > 64
    # Same seed, same run; another seed, another run.
    again = run_direct(game, 7, lambda _agent: speaker_policy, keep_steps=False)
    assert again.summary == traj.summary
    other = run_direct(game, 8, lambda _agent: speaker_policy, keep_steps=False)
    assert other.summary["steps"] != traj.summary["steps"]


def test_max_steps_stops_an_unfinished_run() -> None:
    traj = run_direct(MinimalNamingGame(64, max_steps=50), 1, lambda _agent: speaker_policy)
    assert traj.summary == {"n_agents": 64, "steps": 50, "converged": False}
    assert [s["t"] for s in traj.steps] == list(range(1, 51))


def _run(n: int, seed: int) -> tuple[int, int, int]:
    """(convergence time, peak total words, time of the peak), time in interactions."""
    peak = [0, 0]

    def on_step(state: MinimalState, _record: dict[str, int]) -> None:
        if state.total_words > peak[0]:
            peak[0], peak[1] = state.total_words, state.t

    traj = run_direct(
        MinimalNamingGame(n),
        seed,
        lambda _agent: speaker_policy,
        on_step=on_step,
        keep_steps=False,
    )
    assert traj.summary["converged"]
    assert peak[1] < traj.summary["steps"]
    return traj.summary["steps"], peak[0], peak[1]


# Sizes and runs per size. At these sizes t_conv still carries a large finite-size correction:
# with many runs we measured t_conv / N^1.5 = 3.1, 2.8, 2.4, 2.0, 1.8, 1.6, 1.5 for
# N = 32 .. 2048, i.e. a local exponent of ~1.3 below N=256 that climbs to ~1.4 at N~1000.
# So the convergence-time exponent is checked over 128..1024 with a lower bound of 1.2; the
# peak height and the peak time are already close to 1.5 (about 1.43 and 1.46 here).
SIZES = (128, 256, 512, 1024)
RUNS = (32, 16, 12, 8)


def test_scaling_exponents_are_about_one_and_a_half() -> None:
    means = np.array(
        [
            np.mean([_run(n, seed) for seed in range(runs)], axis=0)
            for n, runs in zip(SIZES, RUNS, strict=True)
        ]
    )
    log_n = np.log(SIZES)
    t_conv, n_max, t_max = (float(np.polyfit(log_n, np.log(means[:, k]), 1)[0]) for k in range(3))
    assert 1.25 <= n_max <= 1.75, n_max
    assert 1.25 <= t_max <= 1.75, t_max
    assert 1.2 <= t_conv <= 1.75, t_conv
    # Baronchelli et al.: convergence after about 1.3-1.6 N^1.5 interactions at large N.
    ratio = means[-1, 0] / SIZES[-1] ** 1.5
    assert 1.0 <= ratio <= 2.2, ratio
