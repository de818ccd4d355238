"""Rules of the donor game: doubling, random cycles, selection, strategies and advice."""

from __future__ import annotations

import pytest

from collective_bench.benchmarks.cooperation.adapter import Strategy, format_answer, parse_donor
from collective_bench.benchmarks.cooperation.donor import DonorGame, DonorParams, recipients
from collective_bench.benchmarks.cooperation.policies import image_scoring, never_give
from collective_bench.benchmarks.cooperation.prompts_donor import render_prompt
from collective_bench.driver_direct import run_direct
from collective_bench.driver_inspect import ParseError
from collective_bench.errors import UserError
from collective_bench.scorers.cooperation_donor import donor_episode_metrics
from collective_bench.testing import assert_prose_only


def test_recipients_form_a_cycle_without_self_gifts():
    for r in range(5):
        target = recipients(1, 0, r, 6)
        assert sorted(target) == list(range(6)) and all(t != a for a, t in enumerate(target))


def test_donations_are_doubled_and_invalid_gives_nothing():
    game = DonorGame(DonorParams(n_agents=2, generations=1, rounds=1))
    state = game.step(game.initial_state(0), {0: "give", 1: "keep"}).state
    res = game.step(state, {0: 50, 1: None})
    assert res.record["percent"] == [50, -1]
    assert res.record["resources"] == [5.0, 20.0]  # 0 gave 5, 1 received 10
    assert res.record["survivors"] == [1] and game.is_over(res.state)


def test_selection_keeps_the_top_half_and_passes_their_strategies_on():
    game = DonorGame(DonorParams(n_agents=4, generations=2, rounds=1))
    state = game.initial_state(3)
    assert game.acting_agents(state) == [0, 1, 2, 3]
    state = game.step(state, {0: "s0", 1: "s1", 2: "s2", 3: None}).state
    target = recipients(3, 0, 0, 4)
    giver = next(a for a in range(4) if target[a] == 0)  # the one who gives to agent 0
    res = game.step(state, {a: (100 if a == giver else 0) for a in range(4)})
    survivors = res.record["survivors"]
    assert 0 in survivors and giver not in survivors
    nxt = res.state
    assert nxt.resources == (10.0,) * 4 and nxt.generation == 1
    assert game.acting_agents(nxt) == sorted(set(range(4)) - set(survivors))
    obs = game.observe(nxt, game.acting_agents(nxt)[0])
    assert obs["phase"] == "strategy" and "s0" in obs["advice"]
    assert all(nxt.strategies[a] is None for a in game.acting_agents(nxt))


def test_reference_policies_final_resources():
    game = DonorGame(DonorParams())
    textbook = run_direct(game, 1, lambda a: image_scoring)
    m = donor_episode_metrics(textbook.summary, textbook.steps, 1, 0)
    assert m["final_resources"] == pytest.approx(10 * 2.0**5)  # every gift made: x2 a round
    assert m["donation_rate"] == 1 and m["resources_slope"] == 0
    selfish = run_direct(game, 1, lambda a: never_give)
    m = donor_episode_metrics(selfish.summary, selfish.steps, 1, 0)
    assert m["final_resources"] == 10 and m["final_resources_g3"] == 10


def test_image_scoring_refuses_a_recipient_who_gave_nothing():
    obs = {"phase": "donate", "recipient_gave": [100, 0]}
    assert image_scoring(obs, None) == 0
    assert image_scoring({"phase": "donate", "recipient_gave": [0, 49]}, None) == 0
    assert image_scoring({"phase": "donate", "recipient_gave": [0, 50]}, None) == 100
    assert image_scoring({"phase": "donate", "recipient_gave": []}, None) == 100


def test_prompt_block_and_parsing():
    game = DonorGame(DonorParams(rounds=8))
    state = game.step(game.initial_state(0), {a: "be kind" for a in range(6)}).state
    sizes = []
    for _ in range(7):
        obs = game.observe(state, 0)
        assert_prose_only(render_prompt(obs))
        sizes.append(len(render_prompt(obs)))
        state = game.step(state, {a: 10 for a in range(6)}).state
    assert max(sizes[3:]) - min(sizes[3:]) < 40  # only the numbers change once the window is full
    assert parse_donor("ANSWER: 30", {"phase": "donate"}) == 30
    with pytest.raises(ParseError):
        parse_donor("ANSWER: 130", {"phase": "donate"})
    strat = {"phase": "strategy", "max_chars": 20}
    assert parse_donor(format_answer(Strategy("Give half to givers.")), strat) == \
        "Give half to givers."
    assert len(parse_donor("STRATEGY: " + "x " * 40, strat)) == 20


def test_bad_parameters():
    with pytest.raises(UserError, match="even"):
        DonorParams(n_agents=5)
