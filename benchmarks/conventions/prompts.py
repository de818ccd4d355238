"""Prompt text for the conventions tasks (module constants; rules live in game.py).

Layout for prefix caching: the system prompt (the rules, identical for every agent, step and
episode) first; then the episode's fixed terms (points, memory), then what varies per prompt
(the shuffled label list, the agent's own history, the question).
"""

from __future__ import annotations

from typing import Any

SYSTEM_PROMPT = """\
You are taking part in a repeated coordination game with other players. In each round you are \
paired with another player chosen at random. You both choose one name from a list, at the same \
time and without talking. If you both choose the same name, you each gain points; if you choose \
different names, you each lose points. Your goal is to score as many points as you can over many \
rounds. You do not know who your partner is, and you remember only your own most recent rounds.
Answer with one line of the form ANSWER: <name>. You may write one short line of reasoning \
before it."""

TERMS = (
    "A match gains {reward} points for each of you; a mismatch loses {loss} points for each of "
    "you. You remember your own last {memory} rounds."
)

NAMES = "The names (listed in a new random order each round): {labels}."

NO_HISTORY = "This is your first round: you have no history yet."

HISTORY_HEADER = "Your most recent rounds (oldest first):"

HISTORY_LINE = "- you chose {you}, your partner chose {partner}: {outcome} {points} points"

QUESTION = "This is your round {round}. Which name do you choose? Reply with ANSWER: <name>"

REASK = (
    "Your answer could not be read: {error}. Reply with one line, exactly ANSWER: <name>, "
    "where <name> is one of: {labels}."
)


def _describe(label: str | None) -> str:
    return label if label is not None else "(no valid answer)"


def render_prompt(observation: dict[str, Any]) -> str:
    """The user prompt for one agent's turn: terms, names, its own bounded history, question."""
    memory = observation["memory"]
    parts = [
        TERMS.format(reward=observation["reward"], loss=-observation["penalty"],
                     memory=observation["window"]),
        NAMES.format(labels=", ".join(observation["labels"])),
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
