"""What every cooperation prompt shows a model: only a participant's view, rules first.

Renders every prompt of whole episodes of all seven tasks (system and user message, as the
driver sends them) and checks: no private observation field, prose only, neutral words, rules in
a system prompt identical for every agent and step of an episode, the game's actual parameters
rendered; plus the answer forms accepted and refused, and each task's generation settings.
"""

from __future__ import annotations

import random

import pytest

import collective_bench.benchmarks  # noqa: F401 - registers every task
from collective_bench.benchmarks.cooperation import spec as coop_spec
from collective_bench.benchmarks.cooperation.adapter import (
    COMMONS_ADAPTER,
    DONOR_ADAPTER,
    PD_ADAPTER,
    PG_ADAPTER,
    parse_commons,
    parse_donor,
    parse_int,
    parse_option,
    parse_points,
)
from collective_bench.benchmarks.cooperation.pd import PARTNER_KINDS
from collective_bench.benchmarks.cooperation.pg import PGGame, PGParams
from collective_bench.driver_inspect import Adapter, ParseError
from collective_bench.policies import resolve_policy
from collective_bench.registry import get_spec
from collective_bench.task_builder import build_task
from collective_bench.testing import assert_prose_only

SMALL = {
    "commons": (coop_spec.make_commons, COMMONS_ADAPTER, {"months": 3}),
    "commons_talk": (coop_spec.make_commons, COMMONS_ADAPTER, {"months": 3}),
    "repeated_pd": (coop_spec.make_pd, PD_ADAPTER, {"n_agents": 4, "rounds": 4}),
    "repeated_pd_partners": (coop_spec.make_pd, PD_ADAPTER, {"rounds": 4}),
    "public_goods": (coop_spec.make_pg, PG_ADAPTER, {"group_sizes": "4", "rounds": 3}),
    "public_goods_punish": (coop_spec.make_pg, PG_ADAPTER, {"group_sizes": "4", "rounds": 3}),
    "donor_game": (coop_spec.make_donor, DONOR_ADAPTER, {"generations": 2, "rounds": 2}),
}
LOADED = ("cooperat", "defect", "prisoner", "commons", "free ride", "free-rid", "punish",
          "reputation", "selfish", "greedy", "sustainab", "betray")


def episode_prompts(task: str, policy: str) -> list[tuple[str, str, dict]]:
    """(system, user, observation) of every agent asked in one small episode of `task`."""
    make, adapter, args = SMALL[task]
    sample = build_task(get_spec(task), episodes=1, **args).dataset[0]
    game = make(dict(sample.metadata["params"]))
    play = resolve_policy(game.name, policy)
    rng = random.Random(0)
    state = game.initial_state(int(sample.metadata["seed"]))
    out = []
    while not game.is_over(state):
        actions = dict(game.fixed_actions(state))
        for agent in game.acting_agents(state):
            obs = game.observe(state, agent)
            out.append((adapter.system_text(obs), adapter.render(obs), obs))
            actions[agent] = play(obs, rng)
        state = game.step(state, actions).state
    return out


def adapter_of(task: str) -> Adapter:
    return SMALL[task][1]


@pytest.mark.parametrize("task", sorted(SMALL))
def test_no_private_field_and_only_neutral_prose_reaches_a_prompt(task):
    private = adapter_of(task).private_fields
    assert private, "declare what a participant must not see"
    for policy in ("textbook", "random", "selfish"):
        prompts = episode_prompts(task, policy)
        assert prompts
        for system, user, obs in prompts:
            text = system + "\n" + user
            assert_prose_only(text)
            for key in private:
                assert str(obs[key]) not in text, f"{key} reached a {task} prompt"
            for word in LOADED:
                assert word not in text.lower(), f"{word!r} in a {task} prompt"
            for kind in PARTNER_KINDS:  # scripted partners' strategies stay hidden
                assert kind.replace("_", " ") not in text.lower() and kind not in text
            assert "grim" not in text.lower() and "alternat" not in text.lower()


@pytest.mark.parametrize("task", sorted(SMALL))
def test_rules_are_one_system_prompt_per_episode_and_history_follows_it(task):
    prompts = episode_prompts(task, "textbook")
    systems = {system for system, _, _ in prompts}
    assert len(systems) == 1, "the system prompt must not vary by agent or step"
    (system,) = systems
    assert "ANSWER:" in system  # the answer format is part of the fixed prefix
    assert all(system not in user for _, user, _ in prompts)


def test_public_goods_prompt_renders_the_games_actual_parameters():
    game = PGGame(PGParams(group_size=3, endowment=15, mpcr=0.5, punish=True, impact=2,
                           max_points=6, memory=2))
    obs = game.observe(game.initial_state(0), 0)
    text = PG_ADAPTER.system_text(obs)
    assert "receives 15 tokens" in text and "multiplied by 1.5" in text
    assert "at most 6 points" in text and "takes 2 tokens" in text and "last\n2 rounds" not in text
    assert "takes 3 tokens" not in text and "at most 10 points" not in text


@pytest.mark.parametrize("text, expected", [
    ("ANSWER: 8", 8), ("answer:8", 8), ("Answer: 8 tons.", 8), ("  12  ", 12), ("<12>", 12),
    ("I will take **12** this month.", 12), ("My catch: [12]", 12),
    ("<answer>12</answer>", 12), ("ANSWER: <whole number>\nANSWER: 7", 7),
    ("I want 30 but...\nANSWER: **7**", 7), ("ANSWER: 7\nANSWER: 7", 7),
])
def test_numbers_in_every_unambiguous_form_are_read(text, expected):
    assert parse_int(text, 0, 40) == expected


@pytest.mark.parametrize("text", [
    "ANSWER: 8\nANSWER: 9", "**8** or maybe [9]", "<answer>3</answer> ANSWER: 4", "ANSWER: 41",
    "ANSWER: 2.5", "ANSWER: -1", "I take some fish", "I'll take 8 tons", "", "ANSWER: lots",
])
def test_ambiguous_or_invalid_numbers_are_refused(text):
    with pytest.raises(ParseError):
        parse_int(text, 0, 40)


@pytest.mark.parametrize("text, expected", [
    ("MESSAGE: I will catch 50 tons of fish this month.", 50),
    ("MESSAGE: I agree with fisher 4. Let's catch 10 tons.", 10), ("I'll take 8 tons", 8),
    ("ANSWER: 12\nI said 30 tons yesterday", 12),  # an ANSWER line still decides
    ("the lake has 100 tons, I catch 10 tons", None), ("I will catch some fish", None),
    ("MESSAGE: 60 tons, no, 70 tons", None),
])
def test_a_harvest_stated_in_prose_is_read_only_when_it_is_the_one_amount(text, expected):
    """Small models answer the harvest question in the talk format (Qwen2.5-Coder-1.5B did in
    60% of its commons_talk harvests); one stated amount of tons is that harvest."""
    observation = {"phase": "harvest", "stock": 100}
    if expected is None:
        with pytest.raises(ParseError):
            parse_commons(text, observation)
    else:
        assert parse_commons(text, observation) == expected


def test_a_percent_sign_is_a_unit_only_where_the_question_asks_for_a_percent():
    give = {"phase": "give"}
    assert [parse_donor(t, give) for t in ("55%", "50.0%", "32.", "ANSWER: 40 %")] == [
        55, 50, 32, 40]
    with pytest.raises(ParseError):
        parse_donor("28.5%", give)
    with pytest.raises(ParseError):  # 20% of 20 tokens would be 4: ambiguous, refused
        parse_int("ANSWER: 20%", 0, 20)


@pytest.mark.parametrize("text", ["ANSWER: kdwo", "<kdwo>", "<answer>KDWO</answer>", "**KDWO**",
                                  "[Kdwo]", "kdwo", " KDWO. ", "After thinking: **KDWO**"])
def test_options_in_every_unambiguous_form_are_read(text):
    assert parse_option(text, {"options": ["KDWO", "TFSZ"]}) == "KDWO"


@pytest.mark.parametrize("text", ["**KDWO** or **TFSZ**", "ANSWER: KDWO\nANSWER: TFSZ",
                                  "ANSWER: both", "I choose KDWO", "ANSWER: ABCD"])
def test_ambiguous_or_unknown_options_are_refused(text):
    with pytest.raises(ParseError):
        parse_option(text, {"options": ["KDWO", "TFSZ"]})


def test_deduction_points_forms():
    assert parse_points("ANSWER: 1, 0, 2", 3, 10) == [1, 0, 2]
    assert parse_points("<answer>none</answer>", 3, 10) == [0, 0, 0]
    assert parse_points("1 0 2", 3, 10) == [1, 0, 2]
    for bad in ("ANSWER: 1, 0", "ANSWER: 5, 5, 5", "ANSWER: 1, 0, 2\nANSWER: 0, 0, 0"):
        with pytest.raises(ParseError):
            parse_points(bad, 3, 10)


@pytest.mark.parametrize("task, temperature", [
    ("commons", 0.0), ("commons_talk", 0.0), ("repeated_pd", 0.0),
    ("repeated_pd_partners", 0.0), ("public_goods", 0.0), ("public_goods_punish", 0.0),
    ("donor_game", 0.8),
])
def test_each_task_declares_its_generation_settings(task, temperature):
    config = build_task(get_spec(task), episodes=1).config
    assert config.temperature == temperature
    assert config.max_tokens is not None and 64 <= config.max_tokens <= 512
