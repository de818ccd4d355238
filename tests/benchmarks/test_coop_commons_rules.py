"""Rules of the commons (GovSim fishery): regrowth, cap, collapse, rationing, invalid answers."""

from __future__ import annotations

import pytest

from benchmarks.cooperation.adapter import parse_commons
from benchmarks.cooperation.commons import CommonsGame, CommonsParams, allocate
from benchmarks.cooperation.policies import (
    greedy_harvester,
    random_harvester,
    sustainable_harvester,
)
from benchmarks.cooperation.prompts_commons import render_prompt
from collective_bench.driver_direct import run_direct
from collective_bench.driver_inspect import ParseError
from collective_bench.errors import UserError
from collective_bench.testing import assert_prose_only
from scorers.cooperation import commons_episode_metrics


def play(policy, talk=False, seed=1, **kw):
    game = CommonsGame(CommonsParams(talk=talk, **kw))
    return run_direct(game, seed, lambda a: policy)


def test_five_sustainable_harvesters_keep_the_stock_full_for_twelve_months():
    traj = play(sustainable_harvester)
    assert [s["stock"] for s in traj.steps] == [100] * 12
    assert all(s["harvest"] == [10] * 5 for s in traj.steps)
    m = commons_episode_metrics(traj.summary, traj.steps, asked=60, invalid=0)
    assert (m["survival_rate"], m["efficiency"], m["equality"]) == (1.0, 1.0, 1.0)
    assert m["survival_time"] == 12 and m["total_gain"] == 600 and m["over_usage"] == 0


def test_a_month_one_harvest_above_95_collapses_with_m_1():
    game = CommonsGame(CommonsParams())
    state = game.initial_state(0)
    result = game.step(state, {0: 40, 1: 40, 2: 16, 3: 0, 4: 0})  # 96 > 95: 4 left
    assert result.record["collapsed"] and game.is_over(result.state)
    m = commons_episode_metrics(game.summary(result.state), [result.record], 5, 0)
    assert m["survival_time"] == 1 and m["survival_rate"] == 0
    # 95 leaves exactly 5, which is not below 5: the lake survives and regrows to 10
    ok = game.step(state, {0: 40, 1: 40, 2: 15, 3: 0, 4: 0})
    assert not ok.record["collapsed"] and ok.state.stock == 10


def test_regrowth_doubles_the_remainder_up_to_the_cap():
    game = CommonsGame(CommonsParams())
    s = game.step(game.initial_state(0), {a: 12 for a in range(5)}).state  # 40 left -> 80
    assert s.stock == 80
    s = game.step(s, {a: 0 for a in range(5)}).state  # 80 -> 160, capped
    assert s.stock == 100


def test_rationing_is_proportional_whole_and_takes_the_whole_stock():
    got = allocate([100, 100, 50, 0, 0], 100, seed=3, month=0)
    assert sum(got) == 100 and got[3] == got[4] == 0
    assert got[2] == 20 and sorted(got[:2]) == [40, 40]
    got = allocate([1, 1, 1], 2, seed=3, month=0)  # 2/3 each: two of three get a ton, seeded
    assert sorted(got) == [0, 1, 1] and got == allocate([1, 1, 1], 2, seed=3, month=0)
    assert allocate([3, 4], 10, seed=0, month=0) == [3, 4]


def test_invalid_answer_harvests_nothing_and_is_not_a_request():
    game = CommonsGame(CommonsParams())
    r = game.step(game.initial_state(0), {0: None, 1: 10, 2: 10, 3: 10, 4: 500}).record
    assert r["request"] == [-1, 10, 10, 10, -1] and r["harvest"] == [0, 10, 10, 10, 0]


def test_greedy_collapses_and_random_collapses_month_one():
    for policy in (greedy_harvester, random_harvester):
        traj = play(policy)
        assert len(traj.steps) == 1 and traj.steps[0]["collapsed"]


def test_talk_variant_alternates_steps_and_shows_this_months_messages_only():
    game = CommonsGame(CommonsParams(talk=True, max_message_chars=30))
    state = game.initial_state(0)
    assert game.observe(state, 0)["phase"] == "talk"
    res = game.step(state, {0: "x" * 50, 1: None, 2: "hi all", 3: "  ", 4: "ok"})
    assert res.record["messages"] == ["x" * 30, None, "hi all", None, "ok"]
    obs = game.observe(res.state, 2)
    assert obs["phase"] == "harvest"
    assert [m["from"] for m in obs["messages"]] == ["member 1", "you", "member 5"]
    nxt = game.step(res.state, {a: 10 for a in range(5)}).state
    assert game.observe(nxt, 0)["phase"] == "talk" and "messages" not in game.observe(nxt, 0)
    traj = play(sustainable_harvester, talk=True)
    assert len(traj.steps) == 24 and traj.steps[-1]["after"] == 100


def test_prompt_is_bounded_and_ends_with_the_block():
    game = CommonsGame(CommonsParams(months=40, memory=3))
    state = game.initial_state(0)
    sizes = []
    for _ in range(30):
        obs = game.observe(state, 1)
        text = render_prompt(obs)
        assert_prose_only(text)
        sizes.append(len(text))
        state = game.step(state, {a: 10 for a in range(5)}).state
    assert max(sizes[3:]) - min(sizes[3:]) <= 4  # flat once the window is full (digits aside)


def test_parse_harvest_and_message():
    obs = {"phase": "harvest", "stock": 40}
    assert parse_commons("I'll take a few.\nANSWER: 8", obs) == 8
    assert parse_commons("12", obs) == 12
    for bad in ("ANSWER: 41", "ANSWER: -1", "ANSWER: 2.5", "some fish"):
        with pytest.raises(ParseError):
            parse_commons(bad, obs)
    talk = {"phase": "talk", "max_chars": 10}
    assert parse_commons("MESSAGE: let us  be\ncareful please", talk) == "let us be "[:10]
    with pytest.raises(ParseError):
        parse_commons("MESSAGE:   ", talk)


def test_bad_parameters_are_user_errors():
    with pytest.raises(UserError, match="months"):
        CommonsParams(months=0)
    with pytest.raises(UserError, match="collapse_below"):
        CommonsParams(collapse_below=100)


def test_episodes_differ_and_replay_identically():
    a, b = play(random_harvester, seed=1, months=3), play(random_harvester, seed=1, months=3)
    assert a.steps == b.steps
    game = CommonsGame(CommonsParams())
    assert game.observe(game.initial_state(1), 0)["game"] != \
        game.observe(game.initial_state(2), 0)["game"]
