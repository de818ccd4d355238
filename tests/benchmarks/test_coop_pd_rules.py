"""Rules of the repeated prisoner's dilemma and its scripted partners."""

from __future__ import annotations

import pytest

from collective_bench.benchmarks.cooperation.adapter import parse_option
from collective_bench.benchmarks.cooperation.pd import INVALID, C, D, PDGame, PDParams, payoff
from collective_bench.benchmarks.cooperation.policies import (
    always_defect,
    cooperative_option,
    grim_trigger,
    tit_for_tat,
)
from collective_bench.benchmarks.cooperation.prompts_pd import render_prompt, system_prompt
from collective_bench.driver_direct import run_direct
from collective_bench.driver_inspect import ParseError
from collective_bench.errors import UserError
from collective_bench.scorers.cooperation_pd import pd_episode_metrics
from collective_bench.testing import assert_prose_only


def test_payoffs_including_invalid_moves():
    assert [payoff(C, C), payoff(C, D), payoff(D, C), payoff(D, D)] == [3, 0, 5, 1]
    assert payoff(INVALID, C) == payoff(INVALID, D) == 0
    assert payoff(C, INVALID) == 0 and payoff(D, INVALID) == 1


def test_tit_for_tat_against_itself_cooperates_every_round():
    game = PDGame(PDParams(n_agents=8, rounds=12))
    traj = run_direct(game, 4, lambda a: tit_for_tat)
    assert all(m == C for s in traj.steps for m in s["act"])


def test_tit_for_tat_against_always_defect_cooperates_exactly_once():
    game = PDGame(PDParams(n_agents=2, rounds=10))
    traj = run_direct(game, 4, lambda a: tit_for_tat if a == 0 else always_defect)
    assert [s["act"][0] for s in traj.steps] == [C] + [D] * 9
    assert [s["pay"][0] for s in traj.steps] == [0] + [1] * 9


def test_scripted_partners_play_their_strategies():
    game = PDGame(PDParams(n_agents=8, rounds=6, partners=True))
    state = game.initial_state(0)
    assert game.acting_agents(state) == [0, 1, 2, 3]
    coop, defect = state.labels
    # model agents: 0 always defects, 1 defects in round 2 only, 2 and 3 always cooperate
    plan = {0: [D] * 6, 1: [C, D, C, C, C, C], 2: [C] * 6, 3: [C] * 6}
    partner_moves = []
    for r in range(6):
        actions = dict(game.fixed_actions(state))
        actions.update({a: coop if plan[a][r] == C else defect for a in plan})
        res = game.step(state, actions)
        partner_moves.append(res.record["act"][4:])
        state = res.state
    tft, grim, alt, one = zip(*partner_moves, strict=True)
    assert tft == (C, D, D, D, D, D)
    assert grim == (C, C, D, D, D, D)
    assert alt == (C, D, C, D, C, D)
    assert one == (C, C, D, C, C, C)


def test_observation_is_bounded_and_labels_are_neutral():
    game = PDGame(PDParams(n_agents=2, rounds=30, memory=3))
    state = game.initial_state(9)
    sizes = []
    for _ in range(20):
        obs = game.observe(state, 0)
        text = render_prompt(obs)
        assert_prose_only(text)
        sizes.append(len(text))
        state = game.step(state, {0: obs["options"][0], 1: obs["options"][1]}).state
    assert len(set(sizes[13:])) == 1  # flat once the window is full (and rounds have 2 digits)
    assert len(obs["with_partner"]) == 3 and len(obs["recent"]) == 3
    assert cooperative_option(obs) == state.labels
    for word in ("cooperat", "defect", "prisoner", "betray"):
        assert word not in text.lower()


def test_grim_trigger_never_forgets_a_defection_beyond_the_window():
    # partner defects in round 1 only, then cooperates for 11 rounds; memory is 2 rounds
    game = PDGame(PDParams(n_agents=2, rounds=12, memory=2))
    state = game.initial_state(4)
    moves = []
    for r in range(12):
        obs = game.observe(state, 0)
        coop, defect = cooperative_option(obs)
        mine = grim_trigger(obs, None)
        moves.append(mine == coop)
        state = game.step(state, {0: mine, 1: defect if r == 0 else coop}).state
    assert moves == [True] + [False] * 11
    obs = game.observe(state, 0)
    assert obs["partner_total"] == {coop: 11, defect: 1, "invalid": 0}
    assert len(obs["with_partner"]) == 2  # the window forgot round 1, the count did not
    first = obs["options"][0]
    assert f"Over all 12 rounds you have played with player 2, they chose {first}" in \
        render_prompt(obs)
    assert f"{coop} 11 times" in render_prompt(obs) and f"{defect} once" in render_prompt(obs)
    assert "overall" not in render_prompt(obs)  # one partner: the overall list would repeat it


def test_rules_in_the_system_prompt_are_the_same_for_every_agent_and_round():
    game = PDGame(PDParams(n_agents=4, rounds=5))
    state = game.initial_state(2)
    systems = set()
    while not game.is_over(state):
        for a in range(4):
            obs = game.observe(state, a)
            systems.add(system_prompt(obs))
            assert obs["you"] in render_prompt(obs)
        state = game.step(state, {a: game.observe(state, a)["options"][a % 2]
                                  for a in range(4)}).state
    (text,) = systems
    assert "you get 5, they get 0" in text and "ANSWER: <option>" in text


def test_parse_option():
    obs = {"options": ["KQZT", "ABCD"]}
    assert parse_option("I pick\nANSWER: kqzt", obs) == "KQZT"
    assert parse_option("ABCD", obs) == "ABCD"
    with pytest.raises(ParseError):
        parse_option("ANSWER: both", obs)


def test_invalid_move_is_recorded_and_scored_as_not_cooperating():
    game = PDGame(PDParams(n_agents=2, rounds=1))
    state = game.initial_state(0)
    res = game.step(state, {0: "nonsense", 1: state.labels[0]})
    assert res.record["act"] == [INVALID, C] and res.record["pay"] == [0, 0]
    m = pd_episode_metrics(game.summary(res.state), [res.record], 2, 1)
    assert m["cooperation_rate"] == 0.5


def test_bad_parameters():
    with pytest.raises(UserError, match="even"):
        PDParams(n_agents=5)
    with pytest.raises(UserError, match="partners"):
        PDParams(n_agents=6, partners=True)
