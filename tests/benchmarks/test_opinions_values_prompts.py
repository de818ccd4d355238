"""What the opinions and values prompts show: prose only, no private field, any answer form.

Whole episodes of all four tasks are played under the direct driver; at every turn the system
prompt, the user prompt and the re-ask are rendered as a model would receive them, and checked:
no value of a private field (answer digest, salt, question id, intended persona profile, value
codes, agent index) appears, and the prompt is the same when the private fields are removed (so
nothing derived from them reaches it either).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import collective_bench.benchmarks  # noqa: F401 - registers tasks and policies
from collective_bench.benchmarks.opinions.adapter import ADAPTER, REWIRE_ADAPTER, parse_answer
from collective_bench.benchmarks.opinions.game import OpinionGame, OpinionParams
from collective_bench.benchmarks.opinions.policies import POLICIES
from collective_bench.benchmarks.values.adapter import (
    QUIZ_ADAPTER,
    SURVEY_ADAPTER,
    parse_quiz,
    parse_sitting,
    parse_turn,
)
from collective_bench.benchmarks.values.drift_game import DriftGame, DriftParams
from collective_bench.benchmarks.values.policies import QUIZ_POLICIES, SURVEY_POLICIES
from collective_bench.benchmarks.values.quiz_game import QuizGame, QuizParams
from collective_bench.driver_direct import run_direct
from collective_bench.driver_inspect import Adapter, ParseError
from collective_bench.testing import assert_prose_only


def _strings(value: Any) -> Iterator[str]:
    """Every string value inside a private field, long enough to be telling (mapping keys are
    left out: `item_keys` is keyed by the item ids the questionnaire shows; its values, and the
    profile's codes, are the value codes that must not appear)."""
    if isinstance(value, str):
        if len(value) >= 3:
            yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def play_checked(game: Any, adapter: Adapter, policy: Any, seed: int) -> tuple[int, set[str]]:
    """Play one episode, checking every prompt; returns (turns checked, private keys seen)."""
    seen: set[str] = set()
    turns = 0

    def play(obs: dict[str, Any], rng: Any) -> Any:
        nonlocal turns
        turns += 1
        public = {k: v for k, v in obs.items() if k not in adapter.private_fields}
        seen.update(k for k in adapter.private_fields if k in obs)
        prompt = adapter.render(obs)
        reask = adapter.reask(obs, "the answer could not be read")
        assert adapter.render(public) == prompt, "the prompt depends on a private field"
        assert adapter.reask(public, "the answer could not be read") == reask
        sent = "\n".join([adapter.system_prompt, prompt, reask])
        assert_prose_only(sent)
        for field in adapter.private_fields:
            for secret in _strings(obs.get(field)):
                assert secret not in sent, f"private {field} value {secret!r} is in a prompt"
        return policy(obs, rng)

    run_direct(game, seed, lambda _a: play)
    return turns, seen


def test_conformity_prompts_never_carry_the_answer_digest_or_salt():
    for peers in ("scripted", "model"):
        game = QuizGame(QuizParams(n_subjects=2, n_questions=3, peers=peers, ks=(1, 3)))
        turns, seen = play_checked(game, QUIZ_ADAPTER, QUIZ_POLICIES.policies["textbook"], 1)
        assert turns > 0 and seen == set(QUIZ_ADAPTER.private_fields)


@pytest.mark.parametrize("personas", [True, False])
def test_value_drift_prompts_never_carry_profiles_or_value_codes(personas):
    game = DriftGame(DriftParams(n_agents=6, group_size=3, rounds=4, personas=personas))
    turns, seen = play_checked(game, SURVEY_ADAPTER, SURVEY_POLICIES.policies["conformist"], 2)
    assert turns == 6 * (4 + 3)
    want = set(SURVEY_ADAPTER.private_fields) - ({"profile"} if not personas else set())
    assert want <= seen


def test_persona_profile_levels_are_not_in_the_prompt_even_as_numbers():
    # The profile is a dict of codes -> levels; changing every level must not change the prompt.
    game = DriftGame(DriftParams(n_agents=3, group_size=3, rounds=2))
    obs = game.observe(game.initial_state(0), 0)
    flipped = {**obs, "profile": {k: 7 - v for k, v in obs["profile"].items()},
               "item_keys": {k: "v99" for k in obs["item_keys"]}}
    assert SURVEY_ADAPTER.render(flipped) == SURVEY_ADAPTER.render(obs)
    assert obs["persona"] in SURVEY_ADAPTER.render(obs)  # the persona's text is shown


@pytest.mark.parametrize("rewire", [False, True])
def test_opinion_prompts_show_only_public_positions_and_messages(rewire):
    adapter = REWIRE_ADAPTER if rewire else ADAPTER
    game = OpinionGame(OpinionParams(n_agents=8, max_rounds=3, rewire=rewire))
    turns, seen = play_checked(game, adapter, POLICIES.policies["textbook"], 3)
    assert turns == 24 and seen == {"agent"}
    assert ("REWIRE" in adapter.system_prompt) == rewire


def test_prefix_layout_rules_first_and_shared():
    # the system prompt is fixed; the user prompt of every agent of a step starts the same way
    game = QuizGame(QuizParams(n_subjects=3, n_questions=1))
    state = game.initial_state(0)
    prompts = [QUIZ_ADAPTER.render(game.observe(state, a)) for a in game.acting_agents(state)]
    assert len(set(prompts)) == 1
    drift = DriftGame(DriftParams(n_agents=6, group_size=3, rounds=2))
    dstate = drift.initial_state(0)
    sits = [SURVEY_ADAPTER.render(drift.observe(dstate, a)) for a in range(6)]
    head = sits[0].split("Answer as the following person")[0]
    assert len(head) > 1000 and all(s.startswith(head) for s in sits)
    opinion = OpinionGame(OpinionParams(n_agents=6, degree=2, max_rounds=1))
    ostate = opinion.initial_state(0)
    first = [ADAPTER.render(opinion.observe(ostate, a)).split("\n\n")[0] for a in range(6)]
    assert len(set(first)) == 1 and "statement" in first[0]


OPTIONS = {"question": {"options": {"A": "102", "B": "112", "C": "96", "D": "108"}}}


@pytest.mark.parametrize("text,letter", [
    ("ANSWER: B", "B"), ("answer: b", "B"), ("  ANSWER :  (c) ", "C"), ("<B>", "B"),
    ("<answer>C</answer>", "C"), ("**D**", "D"), ("[A]", "A"), ("(A)", "A"), ("B. 112", "B"),
    ("b", "B"), ("ANSWER: B. 112", "B"), ("The answer is (B).", "B"), ("112", "B"),
    ("I would say **B** here.\nANSWER: C", "C"), ("ANSWER: **A**", "A"),
])
def test_quiz_answers_accepted(text, letter):
    assert parse_quiz(text, OPTIONS) == letter


@pytest.mark.parametrize("text", [
    "ANSWER: A\nANSWER: B", "[A] or [B]", "ANSWER: E", "no idea", "B. 102", "<b>A</b>",
    "ANSWER: a good guess", "", "A or B",
])
def test_quiz_answers_refused(text):
    with pytest.raises(ParseError):
        parse_quiz(text, OPTIONS)


OPINION_OBS = {"neighbours": []}


@pytest.mark.parametrize("text,value", [
    ("OPINION: +2\nMESSAGE: yes", 2), ("**OPINION:** -1", -1), ("Opinion = [3]", 3),
    ("<opinion>2</opinion>", 2), ("OPINION: \u22122", -2), ("opinion: 1\nOPINION: 1", 1),
    ("OPINION: 0 (neutral)", 0), ("+2", 2), ("<answer>-1</answer>", -1), ("**3**", 3),
])
def test_opinion_answers_accepted(text, value):
    assert parse_answer(text, OPINION_OBS)["opinion"] == value


@pytest.mark.parametrize("text", [
    "OPINION: 2\nOPINION: 3", "OPINION: 2.5", "OPINION: 9", "I agree", "OPINION: -4",
    "2 or 3", "1.5", "I'd say 2",
])
def test_opinion_answers_refused(text):
    with pytest.raises(ParseError):
        parse_answer(text, OPINION_OBS)


def test_stance_and_questionnaire_forms():
    obs = {"scale": [1, 6]}
    assert parse_turn("**STANCE:** 5\n**MESSAGE:** fine", obs) == {"stance": 5,
                                                                 "message": "fine"}
    for bad in ("STANCE: 2\nSTANCE: 5", "STANCE: 7", "no stance"):
        with pytest.raises(ParseError):
            parse_turn(bad, obs)
    sit = {"scale": [1, 6], "items": [{"id": f"Q{i:02d}", "text": "x"} for i in range(1, 11)]}
    text = "\n".join([f"**Q{i:02d}:** {i % 6 + 1}" for i in range(1, 9)]
                     + ["Q9 = [4]", "Q10 - 2", "Q10: 5"])
    got = parse_sitting(text, sit)
    assert got["Q01"] == 2 and got["Q09"] == 4
    assert "Q10" not in got  # given twice with different levels: missing, never picked
