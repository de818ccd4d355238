"""Scripted agents of the values family; each reads the out-of-band observation (private fields
included: they play the informed subject and the persona's intended profile).

Value drift (task id ``survey``):
- ``stable``: answers from its anchor profile and never moves. The anchor is the persona's
  intended profile; a plain agent (no persona) has a private profile drawn from its index and the
  episode's form code, so it too is the same at every sitting. Its stance on a dilemma is its
  anchor level on the value the dilemma's second option serves.
- ``conformist``: the stable agent's view, overridden value by value by the mean stance of the
  group-mates it read (its last `memory` reads at a sitting, plus the current group in a turn).
- ``random``: uniform answers and stances.

Conformity (task id ``quiz``):
- ``stable``: the informed subject: the option whose salted digest matches, ignoring peers.
- ``conformist``: follows the majority of earlier answers (first-named wins a tie); alone it is
  informed like ``stable``.
- ``random``: a uniform option.

``textbook`` is ``stable``: the agent the literature treats as the norm of a measuring
instrument (Asch's independent subject; a respondent whose values do not move with the room).

``selfish`` is ``conformist``. No answer carries a material payoff, so what a self-interested
participant can gain is social: approval and the avoidance of rejection. That is normative social
influence (Deutsch & Gerard, 1955): public agreement with a majority to be liked, the motive
Asch's subjects gave for yielding; and opinion conformity is the first tactic of ingratiation
(Jones, 1964): mirror the views of those whose approval you seek. So in `conformity` the selfish
agent answers with the majority, and in `value_drift` it mirrors its group.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from collective_bench.benchmarks.values.adapter import format_quiz, format_survey
from collective_bench.benchmarks.values.bank import SCALE, VALUE_CODES
from collective_bench.benchmarks.values.drift_game import TASK_NAME as SURVEY_TASK
from collective_bench.benchmarks.values.drift_game import mean_level
from collective_bench.benchmarks.values.quiz_game import TASK_NAME as QUIZ_TASK
from collective_bench.benchmarks.values.quiz_game import digest
from collective_bench.policies import TaskPolicies
from collective_bench.seeds import rng_for


def anchor(observation: dict[str, Any]) -> dict[str, int]:
    """The agent's own profile (value code -> level): its persona's, or a private draw."""
    profile = observation.get("profile")
    if profile:
        return {k: int(v) for k, v in profile.items()}
    rng = rng_for("anchor", observation["agent"], observation["form"])
    return {code: rng.randint(*SCALE) for code in VALUE_CODES.values()}


def conformed_view(observation: dict[str, Any]) -> dict[str, int]:
    """The anchor moved to the group's mean stance on every value the agent has read about."""
    view = anchor(observation)
    for entry in observation.get("recent", []):
        view[entry["key"]] = mean_level(entry["stances"])
    group = observation.get("group", [])
    if group:
        view[observation["dilemma_key"]] = mean_level([int(m["stance"]) for m in group])
    return view


def _play(observation: dict[str, Any], view: dict[str, int]) -> dict[str, Any]:
    if "items" in observation:
        keys = observation["item_keys"]
        return {i["id"]: view[keys[i["id"]]] for i in observation["items"]}
    level = view[observation["dilemma_key"]]
    return {"stance": level, "message": f"I lean {level} of 6 here."}


def survey_stable(observation: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    return _play(observation, anchor(observation))


def survey_conformist(observation: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    return _play(observation, conformed_view(observation))


def survey_random(observation: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    if "items" in observation:
        return {i["id"]: rng.randint(*SCALE) for i in observation["items"]}
    return {"stance": rng.randint(*SCALE), "message": "No strong view."}


def informed(observation: dict[str, Any]) -> str:
    """The correct letter, found by matching the salted digest."""
    q = observation["question"]
    for letter in q["options"]:
        if digest(observation["form"], observation["question_id"], letter) == observation["check"]:
            return str(letter)
    return str(next(iter(q["options"])))


def quiz_stable(observation: dict[str, Any], rng: random.Random) -> str:
    return informed(observation)


def quiz_conformist(observation: dict[str, Any], rng: random.Random) -> str:
    earlier = observation["earlier"]
    if not earlier:
        return informed(observation)
    counts = Counter(earlier)
    top = max(counts.values())
    return str(next(a for a in earlier if counts[a] == top))


def quiz_random(observation: dict[str, Any], rng: random.Random) -> str:
    return str(rng.choice(sorted(observation["question"]["options"])))


SURVEY_POLICIES = TaskPolicies(
    task=SURVEY_TASK,
    policies={"stable": survey_stable, "textbook": survey_stable, "selfish": survey_conformist,
              "conformist": survey_conformist, "random": survey_random},
    format_answer=format_survey,
)
QUIZ_POLICIES = TaskPolicies(
    task=QUIZ_TASK,
    policies={"stable": quiz_stable, "textbook": quiz_stable, "selfish": quiz_conformist,
              "conformist": quiz_conformist, "random": quiz_random},
    format_answer=format_quiz,
)
