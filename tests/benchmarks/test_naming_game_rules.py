"""Rules of the naming game and its committed-minority variant (benchmarks/conventions/game.py)."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from collective_bench.benchmarks.conventions.game import (
    NamingGame,
    NamingParams,
    NamingState,
    make_labels,
)
from collective_bench.benchmarks.conventions.policies import textbook, uniform
from collective_bench.driver_direct import run_direct
from collective_bench.errors import UserError
from collective_bench.game import Trajectory
from collective_bench.policies import Policy
from collective_bench.scorers.conventions import (
    consensus_interaction,
    final_agreement,
    last_actions,
    tipped_interaction,
)


def _fixed_pairs(
    game: NamingGame, seed: int = 1, pairs: tuple[tuple[int, int], ...] = ((0, 1), (2, 3))
) -> NamingState:
    return replace(game.initial_state(seed), pairs=pairs)


def test_payoffs_for_a_matching_and_a_mismatching_pair() -> None:
    game = NamingGame(NamingParams(n_agents=4, n_labels=3, memory=5, schedule="rounds"))
    state = _fixed_pairs(game)
    a, b, c = state.labels
    result = game.step(state, {0: a, 1: a, 2: b, 3: c})
    assert result.record == {
        "round": 1, "t": 2, "pairs": [[0, 1], [2, 3]], "act": [0, 0, 1, 2], "ok": [1, 0],
    }
    mem = result.state.memories
    assert mem[0] == ((a, a, 100),) and mem[1] == ((a, a, 100),)
    assert mem[2] == ((b, c, -50),) and mem[3] == ((c, b, -50),)
    assert result.state.step == 1 and result.state.interactions == 2
    # The original state is not changed (step returns a new state).
    assert state.step == 0 and state.memories == ((), (), (), ())


def test_custom_reward_and_penalty() -> None:
    game = NamingGame(NamingParams(n_agents=2, n_labels=2, reward=7, penalty=-3))
    state = _fixed_pairs(game, pairs=((0, 1),))
    a, b = state.labels
    assert game.step(state, {0: a, 1: a}).state.memories[0] == ((a, a, 7),)
    assert game.step(state, {0: a, 1: b}).state.memories[1] == ((b, a, -3),)


def test_invalid_answer_fails_the_interaction_for_both() -> None:
    game = NamingGame(NamingParams(n_agents=6, n_labels=3, schedule="rounds"))
    state = _fixed_pairs(game, pairs=((0, 1), (2, 3), (4, 5)))
    a = state.labels[0]
    # 0 invalid vs 1 valid; 2 and 3 both invalid (None must not "match" None); 4 names a
    # string outside the pool and 5 names it too: both invalid; no answer at all counts too.
    result = game.step(state, {0: None, 1: a, 2: None, 3: None, 4: "zzzz", 5: "zzzz"})
    assert result.record["ok"] == [0, 0, 0]
    assert result.record["act"] == [-1, 0, -1, -1, -1, -1]
    mem = result.state.memories
    assert mem[0] == ((None, a, -50),) and mem[1] == ((a, None, -50),)
    assert mem[2] == ((None, None, -50),) and mem[4] == ((None, None, -50),)
    missing = game.step(state, {1: a, 2: a, 3: a, 4: a, 5: a})
    assert missing.record["ok"] == [0, 1, 1] and missing.record["act"][0] == -1


def test_memory_window_keeps_the_last_h_entries_and_round_is_the_agents_own() -> None:
    game = NamingGame(NamingParams(n_agents=3, n_labels=3, memory=2))
    state = _fixed_pairs(game, pairs=((0, 1),))
    a, b, c = state.labels
    for own, other in [(a, a), (b, c), (c, c)]:
        state = replace(game.step(state, {0: own, 1: other}).state, pairs=((0, 1),))
    assert state.memories[0] == ((b, c, -50), (c, c, 100))
    assert state.memories[1] == ((c, b, -50), (c, c, 100))
    obs = game.observe(state, 0)
    assert obs["memory"] == [
        {"you": b, "partner": c, "payoff": -50},
        {"you": c, "partner": c, "payoff": 100},
    ]
    assert obs["round"] == 4 and obs["window"] == 2
    assert sorted(obs["labels"]) == sorted(state.labels)
    # agent 2 never played: its first round, whatever the population has done
    assert game.observe(state, 2)["round"] == 1 and game.observe(state, 2)["memory"] == []


def _trajectory(params: NamingParams, seed: int, policy: Policy = textbook) -> Trajectory:
    return run_direct(NamingGame(params), seed, lambda _agent: policy)


def test_pairs_schedule_draws_one_random_ordered_pair_per_interaction() -> None:
    params = NamingParams(n_agents=6, n_labels=10, max_rounds=200, stop_early=False)
    traj = _trajectory(params, 3, uniform)
    assert len(traj.steps) == 200 * 6
    speakers: Counter[int] = Counter()
    pairs: Counter[tuple[int, int]] = Counter()
    for i, step in enumerate(traj.steps, start=1):
        assert len(step["pairs"]) == 1 and step["t"] == i
        a, b = step["pairs"][0]
        assert a != b
        speakers[a] += 1
        pairs[(a, b)] += 1
        assert sum(x != -2 for x in step["act"]) == 2  # only the pair played
    # every ordered pair of distinct agents, about equally often (1200 draws over 30 pairs)
    assert len(pairs) == 30 and min(pairs.values()) > 20 and max(pairs.values()) < 65
    assert min(speakers.values()) > 150


def test_rounds_schedule_pairs_everyone_each_step() -> None:
    traj = _trajectory(NamingParams(n_agents=24, schedule="rounds", stop_early=False,
                                    max_rounds=15), seed=3)
    assert len(traj.steps) == 30  # 15 population rounds of N interactions = 30 matchings
    for step in traj.steps:
        assert sorted(a for pair in step["pairs"] for a in pair) == list(range(24))
    assert len({json.dumps(sorted(map(sorted, s["pairs"]))) for s in traj.steps}) == 30


def test_label_order_is_reshuffled_for_every_prompt_and_seeded() -> None:
    game = NamingGame(NamingParams(n_agents=4, n_labels=10))
    state = game.initial_state(7)
    orders = set()
    for step in range(30):
        s = replace(state, step=step)
        for agent in range(4):
            shown = game.observe(s, agent)["labels"]
            assert sorted(shown) == sorted(state.labels)
            assert shown == game.observe(s, agent)["labels"]  # the same prompt, the same order
            orders.add(tuple(shown))
    assert len(orders) > 100  # 120 prompts, almost all in a different order
    first = Counter(game.observe(replace(state, step=k), 0)["labels"][0] for k in range(2000))
    assert len(first) == 10 and max(first.values()) < 300  # no label is kept in front
    fixed = NamingGame(NamingParams(n_agents=4, n_labels=10, shuffle=False))
    assert fixed.observe(fixed.initial_state(7), 0)["labels"] == list(state.labels)


def test_same_seed_same_trajectory_and_label_seed_fixes_the_pool() -> None:
    params = NamingParams()
    first, second = _trajectory(params, 11), _trajectory(params, 11)
    assert json.dumps(first.steps) == json.dumps(second.steps)
    assert first.summary == second.summary
    other = _trajectory(params, 12)
    assert json.dumps(other.steps) != json.dumps(first.steps)
    assert make_labels(10, 11) == make_labels(10, 11) != make_labels(10, 12)
    pooled = NamingGame(NamingParams(label_seed=5))
    assert pooled.initial_state(1).labels == pooled.initial_state(2).labels == make_labels(10, 5)


def test_labels_are_distinct_neutral_strings() -> None:
    labels = make_labels(26, 5)
    assert len(set(labels)) == 26
    assert all(len(w) == 4 and w.isalpha() and w.islower() for w in labels)


def test_committed_agents_play_the_alternative_and_are_never_asked() -> None:
    params = NamingParams(n_agents=24, n_labels=2, committed_fraction=0.25, established=True)
    game = NamingGame(params)
    state = game.initial_state(4)
    assert params.n_committed == 6 and len(state.committed) == 6
    assert game.players(state) == sorted(set(range(24)) - state.committed)
    traj = run_direct(game, 4, lambda _agent: textbook)
    committed = set(traj.summary["committed"])
    assert committed == state.committed
    saw_committed = 0
    for step in traj.steps:
        for a in step["pairs"][0]:
            if a in committed:
                saw_committed += 1
                assert step["act"][a] == 1
    assert saw_committed > 0


def test_speaker_is_asked_first() -> None:
    game = NamingGame(NamingParams(n_agents=8))
    state = game.initial_state(2)
    for _ in range(20):
        assert game.acting_agents(state) == list(state.pairs[0])
        state = game.step(state, {a: state.labels[0] for a in state.pairs[0]}).state


def test_n_committed_rounds_down_robustly() -> None:
    assert NamingParams(n_agents=24, committed_fraction=1 / 3).n_committed == 8
    assert NamingParams(n_agents=24, committed_fraction=0.3).n_committed == 7
    assert NamingParams(n_agents=24, committed_fraction=0.0).n_committed == 0


def test_established_variant_memories_hold_the_first_label() -> None:
    params = NamingParams(n_agents=8, n_labels=2, memory=5, established=True, max_rounds=12)
    game = NamingGame(params)
    state = game.initial_state(2)
    l0 = state.labels[0]
    assert state.memories == tuple(((l0, l0, 100),) * 5 for _ in range(8))
    # With no committed agent, adaptive play never leaves the established convention.
    traj = run_direct(game, 2, lambda _agent: textbook)
    assert len(traj.steps) == 12 * 8 and traj.summary["tipped_at"] is None
    assert all(a in (0, -2) for step in traj.steps for a in step["act"])


def test_a_large_committed_minority_tips_and_a_small_one_does_not() -> None:
    for seed in range(3):
        params = NamingParams(n_labels=2, committed_fraction=0.4, established=True, max_rounds=40)
        big = _trajectory(params, seed)
        tip = big.summary["tipped_at"]
        assert tip is not None and tip % 24 == 0
        committed = frozenset(big.summary["committed"])
        assert tipped_interaction(big.steps, 24, committed) == tip  # stopping rule = metric
        assert big.steps[-1]["t"] == tip  # stops once the third tipped population round ends
        small = _trajectory(replace(params, committed_fraction=0.1), seed)
        assert small.summary["tipped_at"] is None
        assert tipped_interaction(small.steps, 24, frozenset(small.summary["committed"])) is None


def test_textbook_converges_and_stops_at_the_end_of_the_3n_run() -> None:
    params = NamingParams(n_agents=24, n_labels=10)
    for seed in range(6):
        traj = _trajectory(params, seed)
        at = traj.summary["consensus_at"]
        assert at is not None and at == consensus_interaction(traj.steps, 24)
        assert traj.steps[-1]["t"] == at  # the run of 72 successes ended with the last step
        assert all(s["ok"] == [1] for s in traj.steps[-72:])
        assert not all(s["ok"] == [1] for s in traj.steps[-73:])
        share, _label = final_agreement(last_actions(traj.steps))
        assert share == 1.0


def test_random_policy_does_not_converge_and_hits_the_cap() -> None:
    params = NamingParams(n_agents=12, n_labels=10, max_rounds=100)
    oks: list[int] = []
    for seed in range(3):
        traj = _trajectory(params, seed, policy=uniform)
        assert traj.summary["consensus_at"] is None and traj.summary["interactions"] == 1200
        oks.extend(o for s in traj.steps for o in s["ok"])
    # Two uniform picks among W=10 labels match with probability 1/10 (3600 interactions).
    assert float(np.mean(oks)) == pytest.approx(0.1, abs=0.02)


def test_stop_early_false_plays_to_the_cap() -> None:
    params = NamingParams(n_agents=24, n_labels=10, max_rounds=60, stop_early=False)
    traj = _trajectory(params, 1)
    assert traj.summary["interactions"] == 60 * 24 and traj.summary["consensus_at"] is not None


def test_textbook_is_a_best_response_to_partners_in_memory() -> None:
    obs: dict[str, Any] = {
        "labels": ["aaaa", "bbbb", "cccc"],
        "memory": [
            {"you": "aaaa", "partner": "bbbb", "payoff": -50},
            {"you": "aaaa", "partner": None, "payoff": -50},
            {"you": "bbbb", "partner": "cccc", "payoff": -50},
            {"you": "aaaa", "partner": "bbbb", "payoff": -50},
        ],
    }
    rng = random.Random(0)
    assert {textbook(obs, rng) for _ in range(20)} == {"bbbb"}
    obs["memory"] = obs["memory"][1:3]  # one None (ignored) and one cccc
    assert {textbook(obs, rng) for _ in range(20)} == {"cccc"}
    obs["memory"] = [
        {"you": "aaaa", "partner": "aaaa", "payoff": 100},
        {"you": "aaaa", "partner": "cccc", "payoff": -50},
    ]
    assert {textbook(obs, rng) for _ in range(50)} == {"aaaa", "cccc"}  # a tie: random
    obs["memory"] = []
    counts = Counter(textbook(obs, rng) for _ in range(300))
    assert set(counts) == {"aaaa", "bbbb", "cccc"}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_agents": 5, "schedule": "rounds"},
        {"n_agents": 1},
        {"schedule": "everyone"},
        {"n_labels": 1},
        {"memory": 0},
        {"max_rounds": 0},
        {"committed_fraction": 1.0},
        {"committed_fraction": -0.1},
    ],
)
def test_bad_parameters_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(UserError):
        NamingParams(**kwargs)  # type: ignore[arg-type]
