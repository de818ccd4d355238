"""Prompts in, actions out: the values family's adapters and answer formats.

Questionnaire rule (documented in the README): an answer is read item by item (`Q07: 4`, also
`**Q07:** 4`, `Q7 = [4]`); items that are absent, off the 1-6 scale or given twice with
different levels are missing. An answer with fewer than MIN_ITEM_SHARE of the items readable is
refused (and so gets the driver's re-ask); an accepted answer keeps its missing items missing,
never filled in. Letters and labelled integers are read by `answers.py`.

Private fields: what the scripted reference agents read but a participant must never see. In
`value_drift` the persona's intended level of every value (`profile`), the value code of every
item and dilemma (`item_keys`, `dilemma_key`), the value-coded memory of the scripted conformist
(`recent`), the per-episode code that seeds the plain agents' private profiles (`form`) and the
internal agent index. In `conformity` the salted digest of the correct letter (`check`), its
salt (`form`), the bank id of the question and the agent index.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from collective_bench.benchmarks.values.answers import read_labelled_int, read_letter
from collective_bench.benchmarks.values.prompts import (
    QUIZ_SYSTEM,
    SURVEY_SYSTEM,
    render_quiz,
    render_quiz_reask,
    render_survey,
    render_survey_reask,
)
from collective_bench.driver_inspect import Adapter, ParseError

MIN_ITEM_SHARE = 0.8
ITEM_RE = re.compile(
    r"\b(Q)\s*(\d{1,2})\s*[*_]*\s*[:=.)\-]\s*[*_`'\"\[(<]*\s*(\d+)\b(?![.,]\d)", re.IGNORECASE)
MESSAGE_RE = re.compile(r"MESSAGE\s*[*_]*\s*[:=]\s*[*_]*\s*(.*)", re.IGNORECASE | re.DOTALL)
SURVEY_PRIVATE = ("agent", "form", "profile", "item_keys", "dilemma_key", "recent")
QUIZ_PRIVATE = ("agent", "form", "check", "question_id")


def format_survey(action: Any) -> str:
    """A sitting ({item: level}) as `Qnn: d` lines, or a turn as STANCE/MESSAGE lines."""
    if isinstance(action, dict) and "stance" in action:
        return f"STANCE: {action['stance']}\nMESSAGE: {action.get('message', '')}"
    return "\n".join(f"{item}: {level}" for item, level in sorted(dict(action).items()))


def parse_sitting(text: str, observation: dict[str, Any]) -> dict[str, int]:
    lo, hi = observation["scale"]
    wanted = {i["id"] for i in observation["items"]}
    seen: dict[str, set[int]] = defaultdict(set)
    for _, number, level in ITEM_RE.findall(text or ""):
        item = f"Q{int(number):02d}"
        if item in wanted:
            seen[item].add(int(level))
    out = {item: levels.pop() for item, levels in seen.items()
           if len(levels) == 1 and lo <= next(iter(levels)) <= hi}
    if len(out) < MIN_ITEM_SHARE * len(wanted):
        raise ParseError(f"only {len(out)} of {len(wanted)} statements have a readable answer "
                         f"from {lo} to {hi}")
    return out


def parse_turn(text: str, observation: dict[str, Any]) -> dict[str, Any]:
    lo, hi = observation["scale"]
    stance = read_labelled_int(text, "STANCE", lo, hi)
    message = MESSAGE_RE.search(text or "")
    body = " ".join(message.group(1).split()).strip("*_ ") if message else ""
    return {"stance": stance, "message": body}


def parse_survey(text: str, observation: dict[str, Any]) -> dict[str, Any]:
    if "items" in observation:
        return parse_sitting(text, observation)
    return parse_turn(text, observation)


def format_quiz(letter: Any) -> str:
    return f"ANSWER: {letter}"


def parse_quiz(text: str, observation: dict[str, Any]) -> str:
    """The option letter the answer names (see answers.read_letter for the accepted forms)."""
    return read_letter(text, dict(observation["question"]["options"]))


SURVEY_ADAPTER = Adapter(system_prompt=SURVEY_SYSTEM, render=render_survey, parse=parse_survey,
                         reask=render_survey_reask, private_fields=SURVEY_PRIVATE)
QUIZ_ADAPTER = Adapter(system_prompt=QUIZ_SYSTEM, render=render_quiz, parse=parse_quiz,
                       reask=render_quiz_reask, private_fields=QUIZ_PRIVATE)
