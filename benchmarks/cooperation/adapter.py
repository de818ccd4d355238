"""Prompts in, actions out: the cooperation tasks' adapters and their answer formats.

Numbers and choices are read from the last `ANSWER: x` line (a bare value as the whole reply is
accepted too); a message is whatever follows the last `MESSAGE:`. Out-of-range values raise a
ParseError, so the driver re-asks once and then records the move invalid; nothing is clamped into
a move the agent did not make. Over-long messages are cut at the limit rather than refused: the
limit bounds prompt size, it is not a test.
"""

from __future__ import annotations

import re
from typing import Any

from benchmarks.cooperation import prompts_commons, prompts_donor, prompts_pd, prompts_pg
from collective_bench.driver_inspect import Adapter, ParseError

ANSWER_RE = re.compile(r"ANSWER\s*:\s*\**\s*[\[<\"'`]?\s*(-?[A-Za-z0-9_.]+)", re.IGNORECASE)
MESSAGE_RE = re.compile(r"MESSAGE\s*:", re.IGNORECASE)
STRATEGY_RE = re.compile(r"STRATEGY\s*:", re.IGNORECASE)
_STRIP = " \t\n.*[]<>`'\""


class Strategy(str):
    """A scripted policy's strategy text (so format_answer writes STRATEGY:, not MESSAGE:)."""


def format_answer(action: Any) -> str:
    """How a scripted policy writes its move: messages as MESSAGE:, everything else ANSWER:
    (a list of numbers comma-separated)."""
    if isinstance(action, (list, tuple)):
        return "ANSWER: " + (", ".join(str(v) for v in action) if any(action) else "none")
    if isinstance(action, Strategy):
        return f"STRATEGY: {action}"
    if isinstance(action, str) and " " in action.strip():
        return f"MESSAGE: {action}"
    return f"ANSWER: {action}"


def _answer_token(text: str) -> str:
    found = ANSWER_RE.findall(text or "")
    if found:
        return str(found[-1]).strip(_STRIP)
    bare = (text or "").strip().strip(_STRIP)
    if bare and " " not in bare and "\n" not in bare:
        return bare
    raise ParseError("there is no line of the form ANSWER: <value>")


def parse_int(text: str, low: int, high: int) -> int:
    """A whole number in [low, high] from the answer, or a ParseError saying what was wrong."""
    token = _answer_token(text)
    try:
        value = float(token)
    except ValueError:
        raise ParseError(f"{token!r} is not a whole number") from None
    if not value.is_integer():
        raise ParseError(f"{token!r} is not a whole number")
    if not low <= value <= high:
        raise ParseError(f"{int(value)} is not between {low} and {high}")
    return int(value)


def parse_message(text: str, limit: int, marker: re.Pattern[str] = MESSAGE_RE) -> str:
    """The text after the last marker (or the whole reply), whitespace collapsed, cut at limit."""
    parts = marker.split(text or "")
    body = parts[-1] if len(parts) > 1 else (text or "")
    body = " ".join(body.split()).strip("\"'` ")
    if not body:
        raise ParseError("the message is empty")
    return body[:limit]


def parse_commons(text: str, observation: dict[str, Any]) -> int | str:
    if observation["phase"] == "talk":
        return parse_message(text, int(observation["max_chars"]))
    return parse_int(text, 0, int(observation["stock"]))


COMMONS_ADAPTER = Adapter(
    system_prompt=prompts_commons.SYSTEM_PROMPT,
    render=prompts_commons.render_prompt,
    parse=parse_commons,
    reask=prompts_commons.render_reask,
)


def parse_option(text: str, observation: dict[str, Any]) -> str:
    """One of the observation's `options` labels (case-insensitive)."""
    token = _answer_token(text).upper()
    options = [str(o) for o in observation["options"]]
    if token in options:
        return token
    raise ParseError(f"{token!r} is not one of the options {', '.join(options)}")


PD_ADAPTER = Adapter(
    system_prompt=prompts_pd.SYSTEM_PROMPT,
    render=prompts_pd.render_prompt,
    parse=parse_option,
    reask=prompts_pd.render_reask,
)


def parse_points(text: str, n_others: int, max_points: int) -> list[int]:
    """Deduction points for each other member, in the listed order ("none" = all zero)."""
    found = re.findall(r"ANSWER\s*:(.*)", text or "", re.IGNORECASE)
    body = (found[-1] if found else (text or "")).strip().strip(_STRIP)
    if body.lower() == "none":
        return [0] * n_others
    parts = [x for x in re.split(r"[,;\s]+", body) if x]
    if len(parts) != n_others or not all(x.isdigit() for x in parts):
        raise ParseError(f"expected {n_others} whole numbers separated by commas")
    points = [int(x) for x in parts]
    if sum(points) > max_points:
        raise ParseError(f"{sum(points)} points is more than the {max_points} allowed")
    return points


def parse_pg(text: str, observation: dict[str, Any]) -> int | list[int]:
    if observation["phase"] == "punish":
        return parse_points(text, len(observation["others_put_in"]),
                            int(observation["max_points"]))
    return parse_int(text, 0, int(observation["endowment"]))


PG_ADAPTER = Adapter(
    system_prompt=prompts_pg.SYSTEM_PROMPT,
    render=prompts_pg.render_prompt,
    parse=parse_pg,
    reask=prompts_pg.render_reask,
)


def parse_donor(text: str, observation: dict[str, Any]) -> int | str:
    if observation["phase"] == "strategy":
        return parse_message(text, int(observation["max_chars"]), STRATEGY_RE)
    return parse_int(text, 0, 100)


DONOR_ADAPTER = Adapter(
    system_prompt=prompts_donor.SYSTEM_PROMPT,
    render=prompts_donor.render_prompt,
    parse=parse_donor,
    reask=prompts_donor.render_reask,
)
