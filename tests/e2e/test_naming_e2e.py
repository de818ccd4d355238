"""End to end through inspect's eval(): scripted mockllm agents and the reference provider."""

from __future__ import annotations

import re

from inspect_ai import eval
from inspect_ai.log import resolve_sample_attachments
from inspect_ai.model import ChatMessageSystem, ChatMessageUser

import collective_bench  # noqa: F401 - offline defaults before inspect loads
from collective_bench.benchmarks.conventions.adapter import ADAPTER
from collective_bench.benchmarks.conventions.tasks import committed_minority, naming_game
from collective_bench.observation import observation_from_metadata
from collective_bench.testing import assert_prose_only
from collective_bench.testing import scripted_model as scripted

SMALL = dict(n_agents=6, max_rounds=8, episodes=2)


def scores_of(log):
    return [s.scores["episode_scorer"].value for s in log.samples]


def test_scripted_agents_reach_consensus_and_reasks_are_counted(tmp_path):
    # Agent 0 answers off-format twice on every turn, then correctly; everyone names the label
    # that sorts first. Every move ends valid; agent 0's turns each cost two re-asks.
    def choose(obs, turns):
        if obs["agent"] == 0 and turns < 3:
            return "I think I'd pick the first one."
        return f"ANSWER: {sorted(obs['labels'])[0]}"

    log = eval(naming_game(**SMALL, n_labels=3), model=scripted(choose), display="none",
               log_dir=str(tmp_path))[0]
    assert log.status == "success"
    for sample, value in zip(log.samples, scores_of(log), strict=True):
        assert value["consensus"] == 1.0
        assert value["time_to_consensus"] == 3.0  # 3N successes from the start, / N
        assert value["invalid_rate"] == 0.0
        steps = sample.store["EpisodeRecord:steps"]
        turns0 = sum(0 in s["pairs"][0] for s in steps)
        meta = sample.scores["episode_scorer"].metadata
        assert meta["reasks"] == turns0
        assert meta["calls"] == 2 * len(steps) + 2 * turns0


def test_generation_settings_reach_the_model(tmp_path):
    seen = []

    def choose(obs, turns):
        return f"ANSWER: {obs['labels'][0]}"

    model = scripted(choose)
    log = eval(naming_game(n_agents=2, max_rounds=1, episodes=1), model=model, display="none",
               log_dir=str(tmp_path))[0]
    events = [e for e in log.samples[0].events if e.event == "model"]
    seen = [(e.config.temperature, e.config.max_tokens) for e in events]
    assert seen and set(seen) == {(0.5, 64)}


def test_prompts_over_an_episode_show_no_private_field(tmp_path):
    def choose(obs, turns):
        return f"ANSWER: {obs['labels'][0]}"

    log = eval(naming_game(n_agents=4, max_rounds=3, episodes=1, n_labels=3),
               model=scripted(choose), display="none", log_dir=str(tmp_path))[0]
    checked = 0
    sample = resolve_sample_attachments(log.samples[0])  # the texts the model really received
    for event in sample.events:
        if event.event != "model":
            continue
        system = [m.text for m in event.input if isinstance(m, ChatMessageSystem)]
        for message in event.input:
            if not isinstance(message, ChatMessageUser):
                continue
            obs = observation_from_metadata(message.metadata)
            assert obs is not None
            for prompt in [*system, message.text]:
                assert_prose_only(prompt)
                for key in ADAPTER.private_fields:
                    assert str(obs[key]) not in prompt, key
                # nothing about the population, the partner's identity or the other pairs
                assert not re.search(r"\b(agent|player) \d", prompt, re.IGNORECASE)
                assert "committed" not in prompt.lower()
            # the agent does see what a participant needs: every name and its own history
            assert all(label in message.text for label in obs["labels"])
            assert len(obs["memory"]) == message.text.count("- you: ")
            checked += 1
    assert checked >= 3 * 4


def test_persistently_invalid_agent_is_recorded_not_replaced(tmp_path):
    # Agent 1 never gives a valid label: each of its turns is asked 6 times, recorded invalid,
    # and its interaction fails.
    def choose(obs, turns):
        return "ANSWER: nothing" if obs["agent"] == 1 else f"ANSWER: {sorted(obs['labels'])[0]}"

    log = eval(naming_game(**SMALL, n_labels=2), model=scripted(choose), display="none",
               log_dir=str(tmp_path))[0]
    for sample, value in zip(log.samples, scores_of(log), strict=True):
        steps = sample.store["EpisodeRecord:steps"]
        turns1 = sum(1 in s["pairs"][0] for s in steps)
        assert value["invalid_rate"] == turns1 / (2 * len(steps))
        assert value["consensus"] == 0.0  # 3N = 18 successes in a row never happen here
        assert sample.scores["episode_scorer"].metadata["calls"] == 2 * len(steps) + 5 * turns1
        assert all(s["act"][1] == -1 for s in steps if 1 in s["pairs"][0])


def test_focal_agent_in_background_population_uses_both_models(tmp_path):
    focal_calls: list[int] = []

    def choose(obs, turns):
        focal_calls.append(obs["agent"])
        return f"ANSWER: {obs['labels'][0]}"

    log = eval(
        naming_game(**SMALL, n_focal=1),
        model=scripted(choose),
        model_roles={"background": "reference/textbook"},
        display="none",
        log_dir=str(tmp_path),
    )[0]
    assert log.status == "success"
    assert set(log.stats.model_usage) == {"mockllm/model", "reference/textbook"}
    # exactly one agent per episode is focal; it is asked once per interaction it plays
    assert len(set(focal_calls)) <= 2
    turns = sum(
        sum(a in s["pairs"][0] for s in sample.store["EpisodeRecord:steps"])
        for sample in log.samples for a in {focal_calls[0]} if sample.epoch == 1
    )
    assert turns > 0 and len(focal_calls) >= turns


def test_reference_models_differ_as_expected(tmp_path):
    logs = eval(
        [naming_game(n_agents=6, episodes=3, max_rounds=25)],
        model=["reference/textbook", "reference/random"],
        display="none",
        log_dir=str(tmp_path),
    )
    by_model = {log.eval.model: scores_of(log) for log in logs}
    assert all(v["consensus"] == 1.0 for v in by_model["reference/textbook"])
    assert all(v["consensus"] == 0.0 for v in by_model["reference/random"])
    assert all(v["invalid_rate"] == 0.0 for vs in by_model.values() for v in vs)


def test_committed_minority_tips_only_above_a_threshold(tmp_path):
    log = eval(committed_minority(fractions="0.05,0.4", n_agents=8, episodes=2, max_rounds=20),
               model="reference/textbook", display="none", log_dir=str(tmp_path))[0]
    by_fraction: dict[float, list[float]] = {}
    for s in log.samples:
        v = s.scores["episode_scorer"].value
        by_fraction.setdefault(v["committed_fraction"], []).append(v["tipped"])
    # the realised share of whole agents is reported: 0 of 8 and 3 of 8
    assert by_fraction[0.0] == [0.0, 0.0]
    assert by_fraction[3 / 8] == [1.0, 1.0]
