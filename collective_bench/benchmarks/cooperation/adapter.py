"""Prompts in, actions out: the cooperation tasks' adapters and their answer reading.

An answer is read at the first of three levels that holds one:
1. marked: every `ANSWER: x` line and every `<answer>x</answer>`; all must agree;
2. wrapped: `**x**`, `[x]`, `<x>`, kept only where the content is a valid move; exactly one
   distinct move must remain;
3. bare: the whole reply is the value;
4. stated quantity (fishery harvests only): with no ANSWER line, a reply stating exactly one
   distinct amount of tons ("MESSAGE: I will catch 50 tons of fish") is that amount.
Case and surrounding whitespace or quotes do not matter; a number may end in `.0`, and a percent
(the donor game's question) in `%`. Two different candidates are ambiguous
and raise a ParseError (the driver re-asks, then records the move invalid): nothing is ever made
up or clamped. A message is whatever follows the last `MESSAGE:` (or `STRATEGY:`); over-long
free text is cut at the limit rather than refused (the limit bounds prompt size, it is not a
test).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from collective_bench.benchmarks.cooperation import (
    prompts_commons,
    prompts_donor,
    prompts_pd,
    prompts_pg,
)
from collective_bench.driver_inspect import Adapter, ParseError

T = TypeVar("T")
MARKED = (re.compile(r"ANSWER\s*:[ \t]*([^\n]*)", re.IGNORECASE),
          re.compile(r"<answer>\s*(.*?)\s*</answer>", re.IGNORECASE | re.DOTALL))
WRAPPED = (re.compile(r"\*\*\s*([^*\n]+?)\s*\*\*"), re.compile(r"\[\s*([^\[\]\n]+?)\s*\]"),
           re.compile(r"<\s*([^<>/\n]+?)\s*>"))
MESSAGE_RE = re.compile(r"MESSAGE\s*:", re.IGNORECASE)
STRATEGY_RE = re.compile(r"STRATEGY\s*:", re.IGNORECASE)
_STRIP = " \t\n.*[]<>`'\""
PRIVATE = ("game",)
"""Observation keys no prompt may show: the episode tag exists only to vary seeded reference
moves and cache keys between episodes."""


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


class _NoMove(ParseError):
    """No candidate converts to a move (the message is the last candidate's error)."""


def _one_move(candidates: list[str], convert: Callable[[str], T]) -> T:
    moves: list[T] = []
    error = "there is no answer"
    for candidate in candidates:
        try:
            move = convert(candidate)
        except ParseError as exc:
            error = str(exc)
            continue
        if move not in moves:
            moves.append(move)
    if len(moves) > 1:
        raise ParseError("the reply gives two different answers")
    if not moves:
        raise _NoMove(error)
    return moves[0]


def read_answer(text: str, convert: Callable[[str], T],
                stated: re.Pattern[str] | None = None) -> T:
    """The one move a reply holds, by the levels above. `convert` turns a candidate's text into
    a move or raises ParseError saying why it is not one; `stated` finds quantities stated in
    prose (level 4), where the task's question allows it."""
    text = text or ""
    marked = [m.strip().strip(_STRIP) for rx in MARKED for m in rx.findall(text)]
    marked = [m for m in marked if m]
    if marked:  # an echoed template ("ANSWER: <n>") beside a real answer is not a candidate
        return _one_move(marked, convert)
    wrapped = [m.strip().strip(_STRIP) for rx in WRAPPED for m in rx.findall(text)]
    try:
        return _one_move([w for w in wrapped if w], convert)
    except _NoMove:
        pass
    bare = text.strip().strip(_STRIP)
    if bare and "\n" not in bare:
        try:
            return convert(bare)
        except ParseError:
            if stated is None:
                raise
    if stated is not None:
        try:
            return _one_move(stated.findall(text), convert)
        except _NoMove:
            pass
    raise ParseError("there is no line of the form ANSWER: <value>")


def _int_in(low: int, high: int, percent: bool = False) -> Callable[[str], int]:
    """`percent`: the question asks for a percent, so a trailing `%` is only its unit (in a
    question about tokens or tons, `20%` would be ambiguous and stays refused)."""
    def convert(body: str) -> int:
        token = body.split()[0].strip(_STRIP + ",;") if body.split() else ""
        if percent:
            token = token.removesuffix("%")
        try:
            value = float(token)
        except ValueError:
            raise ParseError(f"{token!r} is not a whole number") from None
        if not value.is_integer():
            raise ParseError(f"{token!r} is not a whole number")
        if not low <= value <= high:
            raise ParseError(f"{int(value)} is not between {low} and {high}")
        return int(value)

    return convert


TONS = re.compile(r"\b(\d+)\s*tons?\b", re.IGNORECASE)
"""An amount of fish stated in prose: small models answer "how many tons do you catch?" with
"MESSAGE: I will catch 50 tons" (Qwen2.5-Coder-1.5B, 60% of its commons_talk harvests)."""


def parse_int(text: str, low: int, high: int, stated: re.Pattern[str] | None = None,
              percent: bool = False) -> int:
    """A whole number in [low, high] from the answer (units after it, e.g. "8 tons", are fine)."""
    return read_answer(text, _int_in(low, high, percent), stated)


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
    return parse_int(text, 0, int(observation["stock"]), stated=TONS)


COMMONS_ADAPTER = Adapter(
    system_prompt="",
    system=prompts_commons.system_prompt,
    render=prompts_commons.render_prompt,
    parse=parse_commons,
    reask=prompts_commons.render_reask,
    private_fields=PRIVATE,
)


def parse_option(text: str, observation: dict[str, Any]) -> str:
    """One of the observation's `options` labels (case-insensitive)."""
    options = [str(o) for o in observation["options"]]

    def convert(body: str) -> str:
        token = body.split()[0].strip(_STRIP + ",;").upper() if body.split() else ""
        if token in options:
            return token
        raise ParseError(f"{token!r} is not one of the options {', '.join(options)}")

    return read_answer(text, convert)


PD_ADAPTER = Adapter(
    system_prompt="",
    system=prompts_pd.system_prompt,
    render=prompts_pd.render_prompt,
    parse=parse_option,
    reask=prompts_pd.render_reask,
    private_fields=PRIVATE,
)


def parse_points(text: str, n_others: int, max_points: int) -> list[int]:
    """Deduction points for each other member, in the listed order ("none" = all zero)."""

    def convert(body: str) -> tuple[int, ...]:
        if body.lower() == "none":
            return (0,) * n_others
        parts = [x for x in re.split(r"[,;\s]+", body) if x]
        if len(parts) != n_others or not all(x.isdigit() for x in parts):
            raise ParseError(f"expected {n_others} whole numbers separated by commas")
        points = tuple(int(x) for x in parts)
        if sum(points) > max_points:
            raise ParseError(f"{sum(points)} points is more than the {max_points} allowed")
        return points

    return list(read_answer(text, convert))


def parse_pg(text: str, observation: dict[str, Any]) -> int | list[int]:
    if observation["phase"] == "punish":
        return parse_points(text, len(observation["others_put_in"]),
                            int(observation["max_points"]))
    return parse_int(text, 0, int(observation["endowment"]))


PG_ADAPTER = Adapter(
    system_prompt="",
    system=prompts_pg.system_prompt,
    render=prompts_pg.render_prompt,
    parse=parse_pg,
    reask=prompts_pg.render_reask,
    private_fields=PRIVATE,
)


def parse_donor(text: str, observation: dict[str, Any]) -> int | str:
    if observation["phase"] == "strategy":
        return parse_message(text, int(observation["max_chars"]), STRATEGY_RE)
    return parse_int(text, 0, 100, percent=True)


DONOR_ADAPTER = Adapter(
    system_prompt="",
    system=prompts_donor.system_prompt,
    render=prompts_donor.render_prompt,
    parse=parse_donor,
    reask=prompts_donor.render_reask,
    private_fields=PRIVATE,
)
