"""Prompts in, actions out: the values family's adapters and answer formats.

Questionnaire rule (documented in the README): an answer is read item by item (`Q07: 4`); items
that are absent or off the 1-6 scale are missing. An answer with fewer than MIN_ITEM_SHARE of
the items readable is refused (and so gets the driver's one re-ask); an accepted answer keeps its
missing items missing, never filled in.
"""

from __future__ import annotations

import re
from typing import Any

from benchmarks.values.prompts import (
    QUIZ_SYSTEM,
    SURVEY_SYSTEM,
    render_quiz,
    render_quiz_reask,
    render_survey,
    render_survey_reask,
)
from collective_bench.driver_inspect import Adapter, ParseError

MIN_ITEM_SHARE = 0.8
ITEM_RE = re.compile(r"\b(Q\d{2})\s*[:=.)-]\s*\**\s*(\d+)\b", re.IGNORECASE)
STANCE_RE = re.compile(r"STANCE\s*:\s*\**\s*(\d+)", re.IGNORECASE)
MESSAGE_RE = re.compile(r"MESSAGE\s*:\s*(.*)", re.IGNORECASE | re.DOTALL)
ANSWER_RE = re.compile(r"ANSWER\s*:\s*\**\s*[\[(<\"'`]?([A-Za-z])\b", re.IGNORECASE)


def format_survey(action: Any) -> str:
    """A sitting ({item: level}) as `Qnn: d` lines, or a turn as STANCE/MESSAGE lines."""
    if isinstance(action, dict) and "stance" in action:
        return f"STANCE: {action['stance']}\nMESSAGE: {action.get('message', '')}"
    return "\n".join(f"{item}: {level}" for item, level in sorted(dict(action).items()))


def parse_sitting(text: str, observation: dict[str, Any]) -> dict[str, int]:
    lo, hi = observation["scale"]
    wanted = {i["id"] for i in observation["items"]}
    out: dict[str, int] = {}
    for item, level in ITEM_RE.findall(text or ""):
        item = item.upper()
        if item in wanted and item not in out and lo <= int(level) <= hi:
            out[item] = int(level)
    if len(out) < MIN_ITEM_SHARE * len(wanted):
        raise ParseError(f"only {len(out)} of {len(wanted)} statements have a readable answer "
                         f"from {lo} to {hi}")
    return out


def parse_turn(text: str, observation: dict[str, Any]) -> dict[str, Any]:
    lo, hi = observation["scale"]
    found = STANCE_RE.findall(text or "")
    if not found:
        raise ParseError("there is no line of the form STANCE: <1-6>")
    stance = int(found[0])
    if not lo <= stance <= hi:
        raise ParseError(f"the stance {stance} is not a whole number from {lo} to {hi}")
    message = MESSAGE_RE.search(text or "")
    body = " ".join(message.group(1).split()) if message else ""
    return {"stance": stance, "message": body}


def parse_survey(text: str, observation: dict[str, Any]) -> dict[str, Any]:
    if "items" in observation:
        return parse_sitting(text, observation)
    return parse_turn(text, observation)


def format_quiz(letter: Any) -> str:
    return f"ANSWER: {letter}"


def parse_quiz(text: str, observation: dict[str, Any]) -> str:
    """The option letter: the last `ANSWER: x`, or a bare letter as the whole reply."""
    letters = list(observation["question"]["options"])
    found = ANSWER_RE.findall(text or "")
    candidate = found[-1] if found else (text or "").strip().strip(".*[]()`'\"")
    candidate = candidate.upper()
    if candidate in letters:
        return candidate
    if not found:
        raise ParseError("there is no line of the form ANSWER: <letter>")
    raise ParseError(f"{found[-1]!r} is not one of the option letters")


SURVEY_ADAPTER = Adapter(system_prompt=SURVEY_SYSTEM, render=render_survey, parse=parse_survey,
                         reask=render_survey_reask)
QUIZ_ADAPTER = Adapter(system_prompt=QUIZ_SYSTEM, render=render_quiz, parse=parse_quiz,
                       reask=render_quiz_reask)
