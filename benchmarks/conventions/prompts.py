"""Prompt text for the conventions tasks (module constants; rules live in game.py)."""

from __future__ import annotations

from typing import Any

SYSTEM_PROMPT = (
    "You are taking part in a repeated coordination game with other players. "
    "Answer every question with a single line of the form ANSWER: <label>."
)

RULES = """\
In each round you are paired with another player chosen at random from the population. You both
choose one name from this list, at the same time and without talking: {labels}.
If you both choose the same name, you each gain {reward} points. If you choose different names,
you each lose {loss} points. Your goal is to score as many points as you can over many rounds.
You do not know who your partner is, and you only remember your own last {memory} rounds."""

NO_HISTORY = "This is your first round: you have no history yet."

HISTORY_HEADER = "Your most recent rounds (oldest first):"

HISTORY_LINE = "- you chose {you}, your partner chose {partner}: {outcome} {points} points"

QUESTION = "Round {round}. Which name do you choose? Reply with exactly: ANSWER: <name>"

REASK = (
    "Your answer could not be read: {error}. Reply with one line, exactly ANSWER: <name>, "
    "where <name> is one of: {labels}."
)


def _describe(label: str | None) -> str:
    return label if label is not None else "(no valid answer)"


def render_prompt(observation: dict[str, Any]) -> str:
    """The user prompt for one agent's turn: rules, bounded history, question, block."""
    labels = ", ".join(observation["labels"])
    memory = observation["memory"]
    parts = [
        RULES.format(
            labels=labels,
            reward=observation["reward"],
            loss=-observation["penalty"],
            memory=observation["window"],
        )
    ]
    if memory:
        lines = [
            HISTORY_LINE.format(
                you=_describe(m["you"]),
                partner=_describe(m["partner"]),
                outcome="you gained" if m["payoff"] > 0 else "you lost",
                points=abs(m["payoff"]),
            )
            for m in memory
        ]
        parts.append("\n".join([HISTORY_HEADER, *lines]))
    else:
        parts.append(NO_HISTORY)
    parts.append(QUESTION.format(round=observation["round"]))
    return "\n\n".join(parts)


def render_reask(observation: dict[str, Any], error: str) -> str:
    return REASK.format(error=error, labels=", ".join(observation["labels"]))
