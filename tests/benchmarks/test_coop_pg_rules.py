"""Rules of the public goods game and its deduction (punishment) step."""

from __future__ import annotations

import pytest

from collective_bench.benchmarks.cooperation.adapter import parse_pg
from collective_bench.benchmarks.cooperation.pg import PGGame, PGParams
from collective_bench.benchmarks.cooperation.policies import (
    conditional_cooperator,
    free_rider,
    full_contributor,
)
from collective_bench.benchmarks.cooperation.prompts_pg import render_prompt
from collective_bench.benchmarks.cooperation.tasks import public_goods
from collective_bench.driver_direct import run_direct
from collective_bench.driver_inspect import ParseError
from collective_bench.errors import UserError
from collective_bench.scorers.cooperation_pg import pg_episode_metrics
from collective_bench.testing import assert_prose_only


def play(policy, **kw):
    game = PGGame(PGParams(**kw))
    return game, run_direct(game, 2, policy)


def metrics(traj):
    return pg_episode_metrics(traj.summary, traj.steps, 1, 0)


def test_all_free_riders_welfare_0_full_contribution_welfare_1():
    for n in (4, 16):
        _, none = play(lambda a: free_rider, group_size=n, rounds=3)
        _, full = play(lambda a: full_contributor, group_size=n, rounds=3)
        assert metrics(none)["normalized_welfare"] == 0 and metrics(none)["contribution_rate"] == 0
        assert metrics(full)["normalized_welfare"] == pytest.approx(1)
        assert metrics(full)["contribution_rate"] == 1


def test_earnings_by_hand():
    game = PGGame(PGParams(group_size=4))
    res = game.step(game.initial_state(0), {0: 20, 1: 10, 2: 0, 3: None})
    # pot 30 * 1.6 = 48, 12 each
    assert res.record["contrib"] == [20, 10, 0, -1]
    assert res.record["pay"] == pytest.approx([12, 22, 32, 32])


def test_conditional_cooperators_sustain_and_match_the_mean():
    _, traj = play(lambda a: conditional_cooperator, rounds=5)
    assert all(c == 20 for s in traj.steps for c in s["contrib"])
    # one free rider among three conditional cooperators: they match 2/3 of 20 -> 13, ...
    _, mixed = play(lambda a: free_rider if a == 0 else conditional_cooperator, rounds=4)
    assert mixed.steps[0]["contrib"] == [0, 20, 20, 20]
    assert mixed.steps[1]["contrib"][1:] == [13, 13, 13]
    assert metrics(mixed)["contribution_slope"] < 0


def test_punishment_costs_one_and_takes_three():
    game = PGGame(PGParams(group_size=3, mpcr=0.5, punish=True))
    state = game.initial_state(0)
    res = game.step(state, {0: 20, 1: 20, 2: 0})
    assert res.record["phase"] == "contribute" and "pay" not in res.record
    obs = game.observe(res.state, 0)
    assert obs["others_put_in"] == [20, 0] and obs["you_put_in"] == 20
    res2 = game.step(res.state, {0: [0, 2], 1: [0, 3], 2: [11, 0]})
    # pot 40 * 1.5 = 60, 20 each; agent 2 receives 5 points (-15); agent 2's 11 points exceed 10
    assert res2.record["points"] == [[0, 2], [0, 3], None]
    assert res2.record["pay"] == pytest.approx([18, 17, 40 - 15])
    m = pg_episode_metrics(game.summary(res2.state), [res.record, res2.record], 6, 1)
    assert m["punishment_rate"] == 1.0 and m["antisocial_punishment"] == 0.0
    assert game.observe(res2.state, 2)["history"][0]["points_received"] == 5


def test_prompt_is_bounded_and_parsing():
    game = PGGame(PGParams(group_size=4, rounds=20, punish=True))
    state = game.initial_state(0)
    sizes = []
    for _ in range(12):
        obs = game.observe(state, 1)
        assert_prose_only(render_prompt(obs))
        sizes.append(len(render_prompt(obs)))
        state = game.step(state, {a: 5 for a in range(4)}).state
        state = game.step(state, {a: [0, 0, 0] for a in range(4)}).state
    assert len(set(sizes[3:9])) == 1
    assert parse_pg("ANSWER: 7", {"phase": "contribute", "endowment": 20}) == 7
    punish = {"phase": "punish", "others_put_in": [1, 2, 3], "max_points": 10}
    assert parse_pg("ANSWER: 0, 2, 1", punish) == [0, 2, 1]
    assert parse_pg("ANSWER: none", punish) == [0, 0, 0]
    for bad in ("ANSWER: 1, 2", "ANSWER: 5, 5, 5", "ANSWER: a, b, c"):
        with pytest.raises(ParseError):
            parse_pg(bad, punish)


def test_bad_parameters():
    with pytest.raises(UserError, match="mpcr"):
        PGParams(group_size=4, mpcr=0.2)
    with pytest.raises(UserError, match="group_sizes"):
        public_goods(group_sizes="4,x")
