"""Prompts in, moves out: the opinions tasks' adapter and their line-based answer format.

A move is {"opinion": int in -3..3, "message": str, "rewire": [drop_id, add_id] | None}. The
OPINION line is required (the last one counts); MESSAGE is optional (missing = no message) and
cut to MAX_MESSAGE characters; REWIRE is optional (missing or "none" = keep every tie), but a
REWIRE line naming ids that are not a current contact and a listed participant is an error, so
the agent is asked again rather than having its request silently ignored.
"""

from __future__ import annotations

import re
from typing import Any

from benchmarks.opinions.game import HI, LO, clean_message
from benchmarks.opinions.prompts import SYSTEM_PROMPT, render_prompt, render_reask
from collective_bench.driver_inspect import Adapter, ParseError

OPINION_RE = re.compile(r"OPINION\s*\**\s*[:=]\s*\**\s*([+\-\u2212]?\s*\d+(?:[.,]\d+)?)",
                        re.IGNORECASE)
MESSAGE_RE = re.compile(r"MESSAGE\s*\**\s*[:=]\s*\**(.*)", re.IGNORECASE)
REWIRE_RE = re.compile(r"REWIRE\s*\**\s*[:=]\s*\**(.*)", re.IGNORECASE)
HANDLE_RE = re.compile(r"[a-z]{4}")


def format_answer(move: Any) -> str:
    lines = [f"OPINION: {int(move['opinion'])}", f"MESSAGE: {move.get('message', '')}"]
    if "rewire" in move:
        pair = move["rewire"]
        lines.append(f"REWIRE: {pair[0]} -> {pair[1]}" if pair else "REWIRE: none")
    return "\n".join(lines)


def _rewire(text: str, observation: dict[str, Any]) -> list[str] | None:
    found = REWIRE_RE.findall(text)
    if "strangers" not in observation or not found:
        return None
    value = found[-1].strip().strip("*`'\".").lower()
    if not value or value.startswith("none") or value in ("no", "-", "n/a"):
        return None
    ids = HANDLE_RE.findall(value)
    contacts = {e["id"] for e in observation["neighbours"]}
    others = {e["id"] for e in observation["strangers"]}
    if len(ids) != 2 or ids[0] not in contacts or ids[1] not in others:
        raise ParseError(
            "REWIRE must name one of your contacts shown above, then one of the other "
            f"participants listed ({', '.join(sorted(others))}), or be REWIRE: none"
        )
    return ids


def parse_answer(text: str, observation: dict[str, Any]) -> dict[str, Any]:
    """The move in an answer, or ParseError saying what is wrong."""
    text = text or ""
    found = OPINION_RE.findall(text)
    if not found:
        raise ParseError("there is no line of the form OPINION: <integer from -3 to 3>")
    raw = found[-1].replace("\u2212", "-").replace(" ", "")
    if "." in raw or "," in raw:
        raise ParseError(f"OPINION must be a whole number, got {raw}")
    value = int(raw)
    if not LO <= value <= HI:
        raise ParseError(f"OPINION must be between -3 and 3, got {value}")
    messages = MESSAGE_RE.findall(text)
    move: dict[str, Any] = {
        "opinion": value,
        "message": clean_message(messages[-1].strip().strip("*").strip()) if messages else "",
    }
    if "strangers" in observation:
        move["rewire"] = _rewire(text, observation)
    return move


ADAPTER = Adapter(
    system_prompt=SYSTEM_PROMPT, render=render_prompt, parse=parse_answer, reask=render_reask
)
