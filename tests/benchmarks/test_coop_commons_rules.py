"""Rules of the commons (GovSim fishery): regrowth, cap, collapse, rationing, invalid answers."""

from __future__ import annotations

import pytest

from collective_bench.benchmarks.cooperation.adapter import parse_commons
from collective_bench.benchmarks.cooperation.commons import (
    CommonsGame,
    CommonsParams,
    allocate_proportional,
    allocate_random,
)
from collective_bench.benchmarks.cooperation.policies import (
    greedy_harvester,
    random_harvester,
    sustainable_harvester,
)
from collective_bench.benchmarks.cooperation.prompts_commons import render_prompt, system_prompt
from collective_bench.driver_direct import run_direct
from collective_bench.driver_inspect import ParseError
from collective_bench.errors import UserError
from collective_bench.scorers.cooperation import commons_episode_metrics
from collective_bench.testing import assert_prose_only


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


def test_govsim_rationing_hands_out_one_ton_at_a_time_among_those_still_wanting():
    # the example: GovSim gives 60/10/10/10/10 where a proportional rule gives 72/7/...
    assert allocate_random([100, 10, 10, 10, 10], 100, seed=3, month=0) == [60, 10, 10, 10, 10]
    assert allocate_proportional([100, 10, 10, 10, 10], 100, seed=3, month=0) == [72, 7, 7, 7, 7]
    for seed in range(50):
        got = allocate_random([30, 50, 0, 40, 5], 60, seed=seed, month=2)
        assert sum(got) == 60 and got[2] == 0
        assert all(0 <= g <= r for g, r in zip(got, [30, 50, 0, 40, 5], strict=True))
        assert got == allocate_random([30, 50, 0, 40, 5], 60, seed=seed, month=2)  # seeded
    draws = {tuple(allocate_random([60, 60], 60, seed=s, month=0)) for s in range(20)}
    assert len(draws) > 1  # the draw is random, not a fixed tie-break
    assert allocate_random([3, 4], 10, seed=0, month=0) == [3, 4]  # requests that fit


def test_proportional_variant_is_whole_exact_and_selectable():
    got = allocate_proportional([100, 100, 50, 0, 0], 100, seed=3, month=0)
    assert sum(got) == 100 and got[3] == got[4] == 0
    assert got[2] == 20 and sorted(got[:2]) == [40, 40]
    got = allocate_proportional([1, 1, 1], 2, seed=3, month=0)
    assert sorted(got) == [0, 1, 1]
    game = CommonsGame(CommonsParams(allocation="proportional"))
    r = game.step(game.initial_state(0), {0: 100, 1: 10, 2: 10, 3: 10, 4: 10}).record
    assert r["harvest"] == [72, 7, 7, 7, 7]
    default = CommonsGame(CommonsParams())
    r = default.step(default.initial_state(0), {0: 100, 1: 10, 2: 10, 3: 10, 4: 10}).record
    assert r["harvest"] == [60, 10, 10, 10, 10]
    with pytest.raises(UserError, match="allocation"):
        CommonsParams(allocation="first come")


def test_invalid_answer_harvests_nothing_and_is_not_a_request():
    game = CommonsGame(CommonsParams())
    r = game.step(game.initial_state(0), {0: None, 1: 10, 2: 10, 3: 10, 4: 500}).record
    assert r["request"] == [-1, 10, 10, 10, -1] and r["harvest"] == [0, 10, 10, 10, 0]


def test_greedy_collapses_and_random_collapses_month_one():
    for policy in (greedy_harvester, random_harvester):
        traj = play(policy)
        assert len(traj.steps) == 1 and traj.steps[0]["collapsed"]


def test_talk_follows_the_harvest_with_catches_revealed_and_speakers_in_turn():
    game = CommonsGame(CommonsParams(talk=True, talk_rounds=2, max_message_chars=30))
    state = game.initial_state(0)
    assert game.observe(state, 0)["phase"] == "harvest"
    state = game.step(state, {0: 20, 1: 10, 2: 10, 3: 10, 4: 0}).state
    order = game.speaking_order(0, 0)
    assert len(order) == 10 and sorted(order[:5]) == list(range(5)) and order[5:] == order[:5]
    spoken = []
    for turn, speaker in enumerate(order):
        assert game.acting_agents(state) == [speaker]
        obs = game.observe(state, speaker)
        assert obs["phase"] == "talk" and obs["left"] == 50
        assert [c["caught"] for c in obs["this_month"]["catches"]] == [20, 10, 10, 10, 0]
        assert [m["text"] for m in obs["conversation"]] == spoken  # everything said so far
        text = "x" * 50 if turn == 0 else (None if turn == 1 else f"turn {turn}")
        res = game.step(state, {speaker: text})
        assert res.record["speaker"] == speaker
        state = res.state
        if text is not None:
            spoken.append(text[:30])
    assert state.phase == "harvest" and state.stock == 100 and state.month == 1
    nxt = game.observe(state, 3)
    assert [m["text"] for m in nxt["last_talk"]] == spoken and nxt["history"][0]["catches"]
    text = render_prompt(nxt)
    assert "x" * 30 in text and "turn 9" in text
    traj = play(sustainable_harvester, talk=True)
    # 12 harvests, a discussion of 10 turns after each but the last
    assert len(traj.steps) == 12 + 11 * 10 and traj.steps[-1]["after"] == 100


def test_no_discussion_after_a_collapse():
    traj = play(greedy_harvester, talk=True)
    assert len(traj.steps) == 1 and traj.steps[0]["collapsed"]


def test_commons_without_talk_never_shows_the_others_catches():
    game = CommonsGame(CommonsParams())
    state = game.step(game.initial_state(0), {0: 7, 1: 13, 2: 11, 3: 9, 4: 12}).state
    obs = game.observe(state, 0)
    assert "catches" not in obs["history"][0]
    assert "13" not in render_prompt(obs) and "you wanted 7, caught 7" in render_prompt(obs)


def test_rules_are_in_the_system_prompt_identical_for_every_agent_and_month():
    for talk in (False, True):
        game = CommonsGame(CommonsParams(talk=talk, months=4, collapse_below=7))
        state = game.initial_state(5)
        systems = set()
        while not game.is_over(state):
            acting = game.acting_agents(state)
            for a in range(5):
                obs = game.observe(state, a)
                systems.add(system_prompt(obs))
                if a in acting:
                    # GovSim does not tell the collapse threshold, the rationing or the horizon
                    prompt = system_prompt(obs) + render_prompt(obs)
                    assert " 7 " not in prompt and "fewer than" not in prompt
                    assert "random" not in prompt and "12 months" not in prompt
            policy = sustainable_harvester
            state = game.step(state, {a: policy(game.observe(state, a), None)
                                      for a in acting}).state
        assert len(systems) == 1
        (text,) = systems
        assert "100 tons" in text and "double" in text and "one thousand dollars" in text
        assert ("revealed" in text) == talk and ("MESSAGE:" in text) == talk
        assert "90 tons" in text and "30 tons" in text and "60 tons" in text  # the example


def test_prompt_is_bounded():
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
    assert parse_commons("Answer: 8 tons.", obs) == 8  # GovSim's own answer form
    for bad in ("ANSWER: 41", "ANSWER: -1", "ANSWER: 2.5", "some fish", "ANSWER: 8\nANSWER: 9"):
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
