"""Prompt text of the repeated-PD tasks (module constants; the rules live in pd.py).

Neutral wording: two options named by random labels and a payoff table; no "cooperate",
"defect", "betray" or "prisoner", and the number of rounds is not told.
"""

from __future__ import annotations

from typing import Any

SYSTEM_PROMPT = (
    "You are taking part in a repeated two-person game with other players. "
    "Answer every question with a single line of the form ANSWER: <option>."
)

RULES = """\
Each round you are paired with another player. You both choose one of two options, {a} or {b},
at the same time, without seeing the other's choice. Points for this round:"""
PAYOFF_LINE = "- you choose {you}, the other chooses {partner}: you get {you_get}, they get " \
              "{partner_gets}"
GOAL = ("Your goal is to earn as many points as you can over all the rounds. You remember at "
        "most your last {window} rounds with each player and your last {window} rounds overall.")
PARTNER = "Round {round}. This round you are paired with {partner}."
NO_PARTNER_HISTORY = "You have not played with {partner} before (as far as you remember)."
PARTNER_HEADER = "Your last rounds with {partner} (oldest first):"
PARTNER_LINE = "- round {round}: you chose {you}, they chose {partner}: you got {you_got}"
RECENT_HEADER = "Your last rounds overall (oldest first):"
RECENT_LINE = "- round {round} with {partner}: you chose {you}, they chose {them}: you got " \
              "{you_got}"
QUESTION = "Which option do you choose? Reply with exactly: ANSWER: <option>"
REASK = ("Your answer could not be read: {error}. Reply with one line, exactly ANSWER: <option>, "
         "where <option> is {a} or {b}.")


def _name(label: str | None) -> str:
    return label if label is not None else "(no valid answer)"


def render_prompt(observation: dict[str, Any]) -> str:
    """Rules with the payoff table, bounded history with this partner and overall, question."""
    obs = observation
    a, b = obs["options"]
    parts = ["\n".join([RULES.format(a=a, b=b),
                        *(PAYOFF_LINE.format(**row) for row in obs["payoffs"])]),
             GOAL.format(window=obs["window"]),
             PARTNER.format(round=obs["round"], partner=obs["partner"])]
    if obs["with_partner"]:
        parts.append("\n".join([PARTNER_HEADER.format(partner=obs["partner"]), *(
            PARTNER_LINE.format(round=h["round"], you=_name(h["you"]),
                                partner=_name(h["partner"]), you_got=h["you_got"])
            for h in obs["with_partner"])]))
    else:
        parts.append(NO_PARTNER_HISTORY.format(partner=obs["partner"]))
    if obs["recent"]:
        parts.append("\n".join([RECENT_HEADER, *(
            RECENT_LINE.format(round=h["round"], partner=h["partner"], you=_name(h["you"]),
                               them=_name(h["them"]), you_got=h["you_got"])
            for h in obs["recent"])]))
    parts.append(QUESTION)
    return "\n\n".join(parts)


def render_reask(observation: dict[str, Any], error: str) -> str:
    a, b = observation["options"]
    return REASK.format(error=error, a=a, b=b)
