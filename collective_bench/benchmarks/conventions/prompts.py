"""Prompt text for the conventions tasks (module constants; rules live in game.py).

Layout for prefix caching: the system prompt holds the rules with this episode's terms
(points, memory), identical for every agent and round of an episode; the user prompt holds
only what varies per turn (the shuffled label list, the agent's own history, the question).
"""

from __future__ import annotations

from typing import Any

SYSTEM_PROMPT = """\
You are taking part in a repeated coordination game with other players. In each round you are \
paired with another player chosen at random. You both choose one name from a list, at the same \
time and without talking. If you both choose the same name, you each gain {reward} points; if \
you choose different names, you each lose {loss} points. Your goal is to score as many points \
as you can over many rounds. You do not know who your partner is, and you remember only your \
own last {memory} rounds.
Answer with one line of the form ANSWER: <name>."""

NAMES = "Names, in a new random order each round: {labels}."

NO_HISTORY = "This is your first round: you have no history yet."

HISTORY_HEADER = "Your last rounds (oldest first):"

HISTORY_LINE = "- you: {you}, partner: {partner}, {points:+d} points"

QUESTION = "Round {round}. Which name do you choose? Reply with ANSWER: <name>"

REASK = (
    "Your answer could not be read: {error}. Reply with one line, exactly ANSWER: <name>, "
    "where <name> is one of: {labels}."
)


def _describe(label: str | None) -> str:
    return label if label is not None else "(no valid answer)"


def render_system(observation: dict[str, Any]) -> str:
    """The rules with the episode's terms: the same for every agent and round of an episode."""
    return SYSTEM_PROMPT.format(reward=observation["reward"], loss=-observation["penalty"],
                                memory=observation["window"])


def render_prompt(observation: dict[str, Any]) -> str:
    """The user prompt for one agent's turn: names, its own bounded history, question."""
    memory = observation["memory"]
    parts = [NAMES.format(labels=", ".join(observation["labels"]))]
    if memory:
        lines = [
            HISTORY_LINE.format(you=_describe(m["you"]), partner=_describe(m["partner"]),
                                points=m["payoff"])
            for m in memory
        ]
        parts.append("\n".join([HISTORY_HEADER, *lines]))
    else:
        parts.append(NO_HISTORY)
    parts.append(QUESTION.format(round=observation["round"]))
    return "\n\n".join(parts)


def render_reask(observation: dict[str, Any], error: str) -> str:
    return REASK.format(error=error, labels=", ".join(observation["labels"]))
