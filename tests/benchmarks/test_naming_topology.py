"""The naming game on graphs: agents meet only neighbours, idle agents are not asked."""

from __future__ import annotations

import pytest

from collective_bench.benchmarks.conventions.game import IDLE, NamingGame, NamingParams
from collective_bench.benchmarks.conventions.policies import textbook
from collective_bench.driver_direct import run_direct
from collective_bench.errors import UserError
from collective_bench.scorers.conventions import last_actions, naming_episode_metrics
from collective_bench.seeds import rng_for
from collective_bench.topology import make_graph


def test_ring_pairs_follow_edges_and_unmatched_agents_sit_out():
    game = NamingGame(NamingParams(n_agents=10, topology="ring", degree=2, max_rounds=5,
                                   schedule="rounds"))
    state = game.initial_state(3)
    graph = make_graph("ring", 10, rng_for("graph", 3).randrange(2**31), degree=2)
    edges = {frozenset(e) for e in graph.edges()}
    for _ in range(5):
        assert all(frozenset(p) in edges for p in state.pairs)
        matched = {a for p in state.pairs for a in p}
        assert sorted(game.acting_agents(state)) == sorted(matched)
        actions = {a: state.labels[0] for a in matched}
        record = game.step(state, actions).record
        assert [i for i, a in enumerate(record["act"]) if a == IDLE] == sorted(
            set(range(10)) - matched
        )
        state = game.step(state, actions).state


def test_pairs_schedule_on_a_ring_draws_an_edge():
    game = NamingGame(NamingParams(n_agents=10, topology="ring", degree=2))
    state = game.initial_state(3)
    graph = make_graph("ring", 10, rng_for("graph", 3).randrange(2**31), degree=2)
    edges = {frozenset(e) for e in graph.edges()}
    for _ in range(50):
        assert len(state.pairs) == 1 and frozenset(state.pairs[0]) in edges
        state = game.step(state, {a: state.labels[0] for a in state.pairs[0]}).state


def test_textbook_reaches_consensus_on_a_small_world():
    game = NamingGame(NamingParams(n_agents=24, topology="small_world", max_rounds=200))
    traj = run_direct(game, 5, lambda _a: textbook)
    metrics = naming_episode_metrics(traj.summary, traj.steps, 1, 0)
    assert metrics["final_agreement"] == 1.0
    assert traj.summary["topology"] == "small_world"


def test_last_actions_fill_idle_agents_from_earlier_rounds():
    steps = [{"act": [0, 1, 1]}, {"act": [IDLE, 0, IDLE]}, {"act": [IDLE, 0, 0]}]
    assert last_actions(steps) == [0, 0, 0]
    assert last_actions([{"act": [IDLE, 1]}]) == [IDLE, 1]


def test_unknown_topology_is_a_clear_error():
    with pytest.raises(UserError, match="unknown topology 'torus'; choose one of well_mixed"):
        NamingParams(topology="torus")
