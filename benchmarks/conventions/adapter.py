"""Prompts in, labels out: the conventions tasks' adapter and their answer format."""

from __future__ import annotations

import re
from typing import Any

from benchmarks.conventions.prompts import SYSTEM_PROMPT, render_prompt, render_reask
from collective_bench.driver_inspect import Adapter, ParseError

ANSWER_RE = re.compile(r"ANSWER\s*:\s*\**\s*[\[<\"'`]?([A-Za-z0-9_-]+)", re.IGNORECASE)


def format_answer(label: Any) -> str:
    return f"ANSWER: {label}"


def parse_answer(text: str, observation: dict[str, Any]) -> str:
    """The label in an answer: the last `ANSWER: x`, or a bare label as the whole reply."""
    labels = observation["labels"]
    found = ANSWER_RE.findall(text or "")
    candidate = found[-1].lower() if found else (text or "").strip().strip(".*[]`'\"").lower()
    if candidate in labels:
        return candidate
    if not found:
        raise ParseError("there is no line of the form ANSWER: <name>")
    raise ParseError(f"{found[-1]!r} is not one of the names")


ADAPTER = Adapter(
    system_prompt=SYSTEM_PROMPT, render=render_prompt, parse=parse_answer, reask=render_reask
)
