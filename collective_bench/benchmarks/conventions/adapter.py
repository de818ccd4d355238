"""Prompts in, labels out: the conventions tasks' adapter and their answer reading.

A reply is read in three tiers, and never guessed: (1) explicit answers (`ANSWER: x`,
`<answer>x</answer>`, the paper's `{'value': x}`); (2) marked words (`<x>`, `**x**`, `[x]`,
`` `x` ``) that are labels; (3) a reply that is nothing but a label. The first tier that finds
something decides; two different candidates in it make the reply ambiguous (a ParseError, so
the agent is asked again). Case, surrounding quotes, brackets and whitespace do not matter.
"""

from __future__ import annotations

import re
from typing import Any

from collective_bench.benchmarks.conventions.prompts import (
    SYSTEM_PROMPT,
    render_prompt,
    render_reask,
    render_system,
)
from collective_bench.driver_inspect import Adapter, ParseError

WORD = r"([A-Za-z0-9_-]+)"
EXPLICIT = (
    re.compile(r"ANSWER\s*[:=]\s*\**\s*[\[<\"'`(]?\s*" + WORD, re.IGNORECASE),
    re.compile(r"<answer>\s*[\[<\"'`]?\s*" + WORD + r"[^<]*</answer>", re.IGNORECASE),
    re.compile(r"[\"']?value[\"']?\s*:\s*[\"'<\[]?\s*" + WORD, re.IGNORECASE),
)
MARKED = (
    re.compile(r"<\s*" + WORD + r"\s*>"),
    re.compile(r"\*\*\s*" + WORD + r"\s*\*\*"),
    re.compile(r"\[\s*" + WORD + r"\s*\]"),
    re.compile(r"`\s*" + WORD + r"\s*`"),
)
STRIP = " \t\r\n.*[]`'\"<>!"
MAX_REASKS = 5
"""Ashery et al. re-ask until valid with no bound; we stop after 5 re-asks (6 calls), then
record the move invalid, so a model that never answers cannot run forever."""


def format_answer(label: Any) -> str:
    return f"ANSWER: {label}"


def _ordered_unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v.lower() for v in values))


def parse_answer(text: str, observation: dict[str, Any]) -> str:
    """The label a reply names, or ParseError saying why there is none (or more than one)."""
    labels = [str(label).lower() for label in observation["labels"]]
    text = text or ""
    explicit = _ordered_unique([m for rx in EXPLICIT for m in rx.findall(text)])
    if explicit:
        if len(explicit) > 1:
            raise ParseError(f"two different answers ({explicit[0]!r} and {explicit[1]!r})")
        if explicit[0] in labels:
            return explicit[0]
        raise ParseError(f"{explicit[0]!r} is not one of the names")
    marked = [c for c in _ordered_unique([m for rx in MARKED for m in rx.findall(text)])
              if c in labels]
    if len(marked) > 1:
        raise ParseError(f"two different names marked ({marked[0]!r} and {marked[1]!r})")
    if marked:
        return marked[0]
    bare = text.strip(STRIP).lower()
    if bare in labels:
        return bare
    raise ParseError("there is no line of the form ANSWER: <name>")


ADAPTER = Adapter(
    system_prompt=SYSTEM_PROMPT, render=render_prompt, parse=parse_answer, reask=render_reask,
    max_reasks=MAX_REASKS, system=render_system,
    # the episode seed rides along only to seed the reference policies; nothing else in the
    # observation is hidden from the agent (its own history, the shuffled names, the terms)
    private_fields=("episode",),
)
