"""Prompts in, moves out: the opinions tasks' adapters and their line-based answer format.

A move is {"opinion": int in -3..3, "message": str, "rewire": [drop_id, add_id] | None}. The
OPINION line is required (`OPINION: +2`, also `**OPINION:** 2`, `Opinion = [2]`,
`<opinion>2</opinion>`; repeating it with a different value is ambiguous and refused); MESSAGE
is optional (missing = no message; the last one counts) and cut to MAX_MESSAGE characters;
REWIRE is optional (missing or "none" = keep every tie; any wording around the two ids, e.g.
"drop abcd, add efgh"; the two ids in either order, since only a contact can be dropped and only
a listed participant added), but a REWIRE line naming ids that are not one shown contact and one
listed participant, or two REWIRE lines with different choices, is an error, so the agent is
asked again rather than having its request silently ignored or guessed. An agent not asked to
rewire (no participant or no contact shown) keeps its ties whatever it writes.

Re-asks: up to MAX_REASKS, as Chuang et al.'s code asks up to three times for a readable
integer. Private fields: only the internal agent index; everything else an agent is shown
(stated positions and messages of its contacts and of the strangers it may link to) is public
in the game.
"""

from __future__ import annotations

import re
from typing import Any

from collective_bench.benchmarks.opinions.game import HI, LO, MAX_MESSAGE, clean_message
from collective_bench.benchmarks.opinions.prompts import (
    can_rewire,
    render_prompt,
    render_reask,
    system_prompt,
)
from collective_bench.benchmarks.values.answers import read_labelled_int
from collective_bench.driver_inspect import Adapter, ParseError

MAX_REASKS = 2
PRIVATE_FIELDS = ("agent",)
MESSAGE_RE = re.compile(r"MESSAGE\s*[*_]*\s*[:=]\s*[*_]*(.*)", re.IGNORECASE)
REWIRE_RE = re.compile(r"REWIRE\s*\**\s*[:=]\s*\**(.*)", re.IGNORECASE)
HANDLE_RE = re.compile(r"\b[a-z]{4}\b")


def format_answer(move: Any) -> str:
    lines = [f"OPINION: {int(move['opinion'])}", f"MESSAGE: {move.get('message', '')}"]
    if "rewire" in move:
        pair = move["rewire"]
        lines.append(f"REWIRE: {pair[0]} -> {pair[1]}" if pair else "REWIRE: none")
    return "\n".join(lines)


def _read_rewire(raw: str, observation: dict[str, Any]) -> tuple[str, str] | None:
    """One REWIRE line: None for "none", (drop, add) for two listed ids, else ParseError."""
    value = raw.strip().strip("*_`'\".").lower()
    value = re.sub(r"^(rewire\s*[:=]\s*)+", "", value)  # the label written twice
    if not value or value.startswith("none") or value in ("no", "-", "n/a"):
        return None
    contacts = {e["id"] for e in observation["neighbours"]}
    others = {e["id"] for e in observation["strangers"]}
    ids = list(dict.fromkeys(  # words like "drop" are not ids; a repeated id counts once
        h for h in HANDLE_RE.findall(value) if h in contacts | others))
    drop = [h for h in ids if h in contacts]
    add = [h for h in ids if h in others]
    if len(ids) != 2 or len(drop) != 1 or len(add) != 1:
        raise ParseError(
            f"REWIRE must name one of your contacts ({', '.join(sorted(contacts))}) to drop and "
            f"one of the non-contacts listed ({', '.join(sorted(others))}) to add, or be "
            "REWIRE: none"
        )
    return drop[0], add[0]


def _rewire(text: str, observation: dict[str, Any]) -> list[str] | None:
    found = REWIRE_RE.findall(text)
    if not can_rewire(observation) or not found:
        return None
    readings = {_read_rewire(raw, observation) for raw in found}
    if len(readings) > 1:
        raise ParseError("REWIRE is given more than once with different choices; give one")
    pair = readings.pop()
    return list(pair) if pair else None


def parse_answer(text: str, observation: dict[str, Any]) -> dict[str, Any]:
    """The move in an answer, or ParseError saying what is wrong."""
    text = text or ""
    value = read_labelled_int(text, "OPINION", LO, HI)
    messages = MESSAGE_RE.findall(text)
    move: dict[str, Any] = {
        "opinion": value,
        "message": clean_message(messages[-1].strip().strip("*").strip()) if messages else "",
    }
    if "strangers" in observation:
        move["rewire"] = _rewire(text, observation)
    return move


ADAPTER = Adapter(
    system_prompt=system_prompt(MAX_MESSAGE, rewire=False), render=render_prompt,
    parse=parse_answer, reask=render_reask, max_reasks=MAX_REASKS, private_fields=PRIVATE_FIELDS,
)
"""opinion_dynamics."""
REWIRE_ADAPTER = Adapter(
    system_prompt=system_prompt(MAX_MESSAGE, rewire=True), render=render_prompt,
    parse=parse_answer, reask=render_reask, max_reasks=MAX_REASKS, private_fields=PRIVATE_FIELDS,
)
"""echo_chambers: the same, with the rewiring rule in the system prompt."""
