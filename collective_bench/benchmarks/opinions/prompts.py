"""Prompt text for the opinions tasks (module constants; rules live in game.py).

The wording is neutral: it names no side, no "correct" behaviour and no literature. An agent sees
the statement, the scale, its own position and last message, and its neighbours' latest
positions and messages (bounded in number and length), so the prompt does not grow with rounds.
Everything shown is public in the game (stated positions and messages); the prompt is prose only.
Layout for prefix caching: the system prompt holds the rules (identical for every agent, round
and episode of a task); the user message starts with the statement (shared by the episode), then
the agent's own state, its contacts' messages and the question.
"""

from __future__ import annotations

from typing import Any

RULES = """\
You are a participant in a group discussion that runs over several rounds. Positions are on a
7-point scale: -3 strongly disagree, -2 disagree, -1 slightly disagree, 0 neither agree nor
disagree, +1 slightly agree, +2 agree, +3 strongly agree. Each round you read the latest
messages of the participants you are in contact with, then state your current position and write
a short message (at most {max_chars} characters) that they will read. Answer every turn in
exactly the line format you are asked for."""

REWIRE_RULE = """\
Each round you also see a few participants you are not in contact with (non-contacts), and you
may change who you are in contact with: drop one of your current contacts and connect to one of
those non-contacts instead (a REWIRE line), or keep all your contacts."""

TOPIC = 'You are one of {n} participants in a discussion about this statement:\n\n"{statement}"'
YOU = "You are participant {id}. Your current position: {opinion}. Your last message: {message}"

CONTACTS_HEADER = "Latest from your contacts ({shown} of {total} shown):"
NO_CONTACTS = "You have no contacts at the moment."
STRANGERS_HEADER = "Non-contacts you can see this round (you may connect to one of them):"
ENTRY = "- {id} (position {opinion}): {message}"
NO_MESSAGE = "(no message yet)"

QUESTION = """\
Round {round}. Reply with exactly these lines:
OPINION: <an integer from -3 to 3>
MESSAGE: <your message, one line>"""
REWIRE_LINE = "REWIRE: <a contact to drop> -> <a non-contact to add>, or REWIRE: none"
"""The word is "non-contact", not "participant": contacts are participants too, and the 1.5B
rewired from one contact to another. Not a list of ids either: given one (`<the contact to
drop: abcd, efgh>`), it copied the whole list into its answer. The re-ask names them."""

REASK = (
    "Your answer could not be read: {error}. Reply again with the lines OPINION: <an integer "
    "from -3 to 3> and MESSAGE: <your message>{rewire}."
)


def system_prompt(max_chars: int, rewire: bool) -> str:
    """The rules of the discussion (and of rewiring, for echo_chambers)."""
    rules = RULES.format(max_chars=max_chars)
    return f"{rules}\n\n{REWIRE_RULE}" if rewire else rules


def signed(value: int) -> str:
    return f"{value:+d}" if value else "0"


def _entry(e: dict[str, Any]) -> str:
    return ENTRY.format(id=e["id"], opinion=signed(int(e["opinion"])),
                        message=e["message"] or NO_MESSAGE)


def render_prompt(observation: dict[str, Any]) -> str:
    """The user prompt for one agent's turn: statement, own state, contacts, question."""
    you = observation["you"]
    parts = [
        TOPIC.format(n=observation["n_agents"], statement=observation["statement"]),
        YOU.format(id=you["id"], opinion=signed(int(you["opinion"])),
                   message=you["message"] or "(none yet)"),
    ]
    neighbours = observation["neighbours"]
    if neighbours:
        parts.append("\n".join([
            CONTACTS_HEADER.format(shown=len(neighbours), total=observation["n_neighbours"]),
            *(_entry(e) for e in neighbours),
        ]))
    else:
        parts.append(NO_CONTACTS)
    rewire = can_rewire(observation)
    if rewire:
        parts.append("\n".join([STRANGERS_HEADER, *(_entry(e) for e in observation["strangers"])]))
    question = QUESTION.format(round=observation["round"])
    parts.append(question + ("\n" + REWIRE_LINE if rewire else ""))
    return "\n\n".join(parts)


def can_rewire(observation: dict[str, Any]) -> bool:
    """A rewire needs a shown contact to drop and a shown participant to add: with either list
    empty (a full or an empty neighbourhood) the agent is not asked."""
    return bool(observation.get("strangers")) and bool(observation["neighbours"])


def render_reask(observation: dict[str, Any], error: str) -> str:
    rewire = f" and {REWIRE_LINE}" if can_rewire(observation) else ""
    return REASK.format(error=error, rewire=rewire)
