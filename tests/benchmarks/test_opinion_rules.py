"""Rules of the opinions tasks: observations, invalid answers, rewiring, parsing, topic bank."""

from __future__ import annotations

import hashlib
import json

import pytest

import collective_bench.benchmarks  # noqa: F401 - registers the opinions policies
from collective_bench.benchmarks.opinions.adapter import format_answer, parse_answer
from collective_bench.benchmarks.opinions.game import (
    MAX_MESSAGE,
    REWIRE_TASK_NAME,
    TASK_NAME,
    OpinionGame,
    OpinionParams,
)
from collective_bench.benchmarks.opinions.prompts import render_prompt
from collective_bench.benchmarks.opinions.topics import (
    DATA_DIR,
    MANIFEST,
    episode_topics,
    load_bank,
)
from collective_bench.driver_inspect import ParseError
from collective_bench.errors import UserError
from collective_bench.policies import resolve_policy, task_policies
from collective_bench.testing import assert_prose_only


def _game(**kw) -> OpinionGame:
    return OpinionGame(OpinionParams(**kw))


def test_observation_is_bounded_and_deterministic():
    game = _game(n_agents=24, topology="complete", max_shown=8)
    state = game.initial_state(7)
    assert state == game.initial_state(7)
    obs = game.observe(state, 3)
    assert obs["task"] == TASK_NAME and obs["agent"] == 3
    assert len(obs["neighbours"]) == 8 and obs["n_neighbours"] == 23
    long = {a: {"opinion": 1, "message": "x" * 5000} for a in range(24)}
    for _ in range(3):
        state = game.step(state, long).state
    later = game.observe(state, 3)
    assert all(len(e["message"]) == MAX_MESSAGE for e in later["neighbours"])
    prompt = render_prompt(later)
    assert_prose_only(prompt)
    state = game.step(state, long).state
    assert len(render_prompt(game.observe(state, 3))) == len(prompt)  # O(1) in rounds


def test_invalid_answer_keeps_opinion_and_posts_nothing():
    game = _game(n_agents=6, degree=2)
    state = game.initial_state(1)
    moves = {a: {"opinion": 3, "message": "hello"} for a in range(6)}
    moves[2] = None
    new = game.step(state, moves).state
    assert new.opinions[2] == state.opinions[2]
    assert new.messages[2] == "" and new.messages[0] == "hello"
    assert all(new.opinions[a] == 3 for a in range(6) if a != 2)


def test_initial_assignments():
    camps = _game(n_agents=10, initial="two_camps", camp_share=0.3).initial_state(0)
    assert sorted(camps.opinions) == [-2] * 7 + [2] * 3
    blocks = _game(n_agents=10, topology="blocks").initial_state(0)
    assert list(blocks.opinions) == sorted(blocks.opinions)  # like-minded share a block
    with pytest.raises(UserError, match="unknown initial"):
        _game(initial="bimodal")
    with pytest.raises(UserError, match="rewiring needs a topology"):
        _game(topology="complete", rewire=True)
    with pytest.raises(UserError, match="unknown topology"):
        _game(topology="ring_of_fire")


def test_rewire_moves_one_tie_only_when_valid():
    game = _game(n_agents=10, degree=4, rewire=True, strangers=2)
    state = game.initial_state(3)
    obs = game.observe(state, 0)
    assert obs["task"] == REWIRE_TASK_NAME and len(obs["strangers"]) == 2
    drop, add = obs["neighbours"][0]["id"], obs["strangers"][0]["id"]
    index = {h: i for i, h in enumerate(state.handles)}
    stay = {a: {"opinion": 0, "message": "", "rewire": None} for a in range(10)}
    result = game.step(state, {**stay, 0: {"opinion": 0, "message": "", "rewire": [drop, add]}})
    new = result.state
    assert result.record["rewired"] == 1
    assert index[drop] not in new.adjacency[0] and index[add] in new.adjacency[0]
    assert 0 in new.adjacency[index[add]] and 0 not in new.adjacency[index[drop]]
    edges = sum(len(a) for a in state.adjacency)
    assert sum(len(a) for a in new.adjacency) == edges
    # a stranger that was not shown, or a drop that is not a tie, changes nothing
    unseen = next(h for i, h in enumerate(state.handles)
                  if i not in state.adjacency[0] and i != 0 and h not in
                  {e["id"] for e in obs["strangers"]})
    for bad in ([drop, unseen], [add, add]):
        out = game.step(state, {**stay, 0: {"opinion": 0, "message": "", "rewire": bad}})
        assert out.record["rewired"] == 0 and out.state.adjacency == state.adjacency


def test_parse_answers():
    game = _game(n_agents=10, rewire=True)
    obs = game.observe(game.initial_state(0), 0)
    contact, other = obs["neighbours"][0]["id"], obs["strangers"][0]["id"]
    move = parse_answer(f"OPINION: +2\nMESSAGE: I lean yes.\nREWIRE: {contact} -> {other}", obs)
    assert move == {"opinion": 2, "message": "I lean yes.", "rewire": [contact, other]}
    assert parse_answer("**OPINION:** \u22123\nREWIRE: none", obs)["opinion"] == -3
    assert parse_answer("OPINION: 0", obs) == {"opinion": 0, "message": "", "rewire": None}
    assert len(parse_answer("OPINION: 1\nMESSAGE: " + "y" * 900, obs)["message"]) == MAX_MESSAGE
    # the two ids the wrong way round still say one thing: drop the contact, add the other
    assert parse_answer(f"OPINION: 1\nREWIRE: {other} -> {contact}", obs)["rewire"] == [
        contact, other]
    second = obs["neighbours"][1]["id"]
    for text, error in (("I agree", "no line"), ("OPINION: 4", "between -3 and 3"),
                        ("OPINION: 1.5", "whole number"),
                        (f"OPINION: 1\nREWIRE: {contact} -> {obs['you']['id']}", "REWIRE must"),
                        (f"OPINION: 1\nREWIRE: {contact} -> none", "REWIRE must"),
                        (f"OPINION: 1\nREWIRE: {contact} -> {second}", "REWIRE must"),
                        (f"OPINION: 1\nREWIRE: {contact} -> zzzz", "REWIRE must"),
                        (f"OPINION: 1\nREWIRE: {contact} -> {contact}", "REWIRE must")):
        with pytest.raises(ParseError, match=error):
            parse_answer(text, obs)
    for m in (move, {"opinion": -1, "message": "no", "rewire": None}):
        assert parse_answer(format_answer(m), obs) == m
    # any wording around the two ids; the same choice twice is fine, two different ones are not
    worded = parse_answer(f"OPINION: 1\nREWIRE: drop {contact}, add {other}", obs)
    assert worded["rewire"] == [contact, other]
    twice = f"OPINION: 1\nREWIRE: {contact} -> {other}\nREWIRE: {contact} -> {other}"
    assert parse_answer(twice, obs)["rewire"] == [contact, other]
    with pytest.raises(ParseError, match="more than once"):
        parse_answer(f"OPINION: 1\nREWIRE: {contact} -> {other}\nREWIRE: none", obs)
    # nobody to add: not asked to rewire, and a REWIRE line changes nothing
    nobody = {**obs, "strangers": []}
    assert "REWIRE" not in render_prompt(nobody)
    assert parse_answer(f"OPINION: 1\nREWIRE: {contact} -> {other}", nobody)["rewire"] is None
    assert render_prompt(obs).rsplit("\n", 1)[1].startswith("REWIRE:")
    assert parse_answer("OPINION: 1\nREWIRE: REWIRE: none", obs)["rewire"] is None
    plain = _game(n_agents=6, degree=2).observe(_game(n_agents=6, degree=2).initial_state(0), 0)
    assert parse_answer(f"OPINION: 1\nREWIRE: {contact} -> {other}", plain) == {
        "opinion": 1, "message": ""}


def test_topic_bank_is_versioned_and_balanced():
    manifest = json.loads(MANIFEST.read_text())
    data = (DATA_DIR / manifest["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == manifest["sha256"]
    bank = load_bank()
    assert len(bank) == manifest["rows"] and len({t.id for t in bank}) == len(bank)
    pairs: dict[str, list] = {}
    for t in bank:
        pairs.setdefault(t.pair, []).append(t)
    for rows in pairs.values():
        assert sorted(t.framing for t in rows) == ["a", "b"]
        assert sum(t.sign for t in rows) == 0  # the framings point opposite ways
        if rows[0].kind == "factual":
            assert {t.truth for t in rows} == {True, False}
        else:
            assert all(t.truth is None for t in rows)
    chosen = episode_topics("all", 0, 4)
    assert {t.kind for t in chosen} == {"contested", "factual"}
    assert [t.pair for t in chosen[::2]] == [t.pair for t in chosen[1::2]]
    assert {t.kind for t in episode_topics("factual", 5, 6)} == {"factual"}
    with pytest.raises(UserError, match="unknown topics"):
        episode_topics("opinions", 0, 2)


@pytest.mark.parametrize("task", [TASK_NAME, REWIRE_TASK_NAME])
def test_default_suite_policies_are_registered(task):
    game = _game(n_agents=8, rewire=task == REWIRE_TASK_NAME)
    obs = game.observe(game.initial_state(0), 0)
    import random

    for name in ("random", "selfish", "textbook", "hk", "voter"):
        move = resolve_policy(task, name)(obs, random.Random(0))
        assert parse_answer(task_policies(task).format_answer(move), obs) == move
    assert resolve_policy(task, "selfish")(obs, random.Random(1))["opinion"] == obs["you"][
        "opinion"]
