"""Prompt text of the repeated-PD tasks (module constants; the rules live in pd.py).

Neutral wording: two options named by random labels and a payoff table; no "cooperate",
"defect", "betray" or "prisoner", and the number of rounds is not told. The system prompt holds
the rules and payoff table (the same for every agent and round of an episode); the user prompt
holds who you are, your history with this round's partner (the last rounds in full and a count
over all rounds) and overall, and the question.
"""

from __future__ import annotations

from typing import Any

RULES = """\
You are taking part in a repeated two-person game with other players. Each round you are paired \
with another player. You both choose one of two options, {a} or {b}, at the same time, without \
seeing the other's choice. Points for one round:"""
PAYOFF_LINE = ("- you choose {you}, the other chooses {partner}: you get {you_get}, they get "
               "{partner_gets}")
GOAL = ("Your goal is to earn as many points as you can over all the rounds. You are shown your "
        "last {window} rounds with your partner and your last {window} rounds overall, and how "
        "often your partner chose each option over all your rounds together. Reply with a line "
        "of the form ANSWER: <option>.")
YOU = "You are {you}. Round {round}. This round you are paired with {partner}."
NO_PARTNER_HISTORY = "You have not played with {partner} before."
PARTNER_TOTAL = ("Over all {n} rounds you have played with {partner}, they chose {a} {na} and "
                 "{b} {nb}{bad}.")
PARTNER_HEADER = "Your last rounds with {partner} (oldest first):"
PARTNER_LINE = "- round {round}: you chose {you}, they chose {partner}: you got {you_got}"
RECENT_HEADER = "Your last rounds overall (oldest first):"
RECENT_LINE = "- round {round} with {partner}: you chose {you}, they chose {them}: you got " \
              "{you_got}"
QUESTION = "Which option do you choose? Reply with: ANSWER: <option>"
REASK = ("Your answer could not be read: {error}. Reply with one line, exactly ANSWER: <option>, "
         "where <option> is {a} or {b}.")


def _name(label: str | None) -> str:
    return label if label is not None else "(no valid answer)"


def system_prompt(observation: dict[str, Any]) -> str:
    """Rules, payoff table and answer format (labels and their order are per episode)."""
    obs = observation
    a, b = obs["options"]
    return "\n".join([RULES.format(a=a, b=b),
                      *(PAYOFF_LINE.format(**row) for row in obs["payoffs"]),
                      "", GOAL.format(window=obs["window"])])


def _times(n: int) -> str:
    return {0: "never", 1: "once"}.get(n, f"{n} times")


def _partner_total(obs: dict[str, Any]) -> str:
    a, b = obs["options"]
    counts = obs["partner_total"]
    n = sum(counts.values())
    if not n:
        return NO_PARTNER_HISTORY.format(partner=obs["partner"])
    bad = f", and gave no valid answer {_times(counts['invalid'])}" if counts["invalid"] else ""
    return PARTNER_TOTAL.format(n=n, partner=obs["partner"], a=a, na=_times(counts[a]), b=b,
                                nb=_times(counts[b]), bad=bad)


def render_prompt(observation: dict[str, Any]) -> str:
    """Who you are, your history with this partner and overall, the question."""
    obs = observation
    parts = [YOU.format(you=obs["you"], round=obs["round"], partner=obs["partner"]),
             _partner_total(obs)]
    if obs["with_partner"]:
        parts.append("\n".join([PARTNER_HEADER.format(partner=obs["partner"]), *(
            PARTNER_LINE.format(round=h["round"], you=_name(h["you"]),
                                partner=_name(h["partner"]), you_got=h["you_got"])
            for h in obs["with_partner"])]))
    if any(h["partner"] != obs["partner"] for h in obs["recent"]):  # else it repeats the above
        parts.append("\n".join([RECENT_HEADER, *(
            RECENT_LINE.format(round=h["round"], partner=h["partner"], you=_name(h["you"]),
                               them=_name(h["them"]), you_got=h["you_got"])
            for h in obs["recent"])]))
    parts.append(QUESTION)
    return "\n\n".join(parts)


def render_reask(observation: dict[str, Any], error: str) -> str:
    a, b = observation["options"]
    return REASK.format(error=error, a=a, b=b)
