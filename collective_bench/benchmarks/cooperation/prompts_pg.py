"""Prompt text of the public goods tasks (module constants; the rules live in pg.py).

Neutral wording: tokens, a private account and a group account; no "public good", "free ride",
"cooperate" or "punish" (points are "deductions"). The number of rounds is not told. The
system prompt holds the rules with the game's actual parameters (group size, endowment,
multiplier, deduction budget and impact), identical for every member and round; the user prompt
holds the member's own history and the question.
"""

from __future__ import annotations

from typing import Any

RULES = """\
You are taking part in a repeated group decision task with other players. You are in a group \
of {n} players; the group stays the same every round. Each round every player receives {e} \
tokens and decides, at the same time as the others, how many of them (a whole number from 0 to \
{e}) to put into a group account; the rest stays in their private account. The tokens in the \
group account are multiplied by {r} and then split equally among all {n} players, whatever each \
put in. Your earnings for the round are your private tokens plus your share of the group \
account. Your goal is to earn as much as you can over all the rounds. You are shown your last \
{window} rounds."""
DEDUCTIONS = """\
After each round's choices are shown, every player may give deduction points to other members \
of the group (at most {m} points in total per round). Each point you give costs you 1 token and \
takes {k} tokens from the player who receives it."""
FORMAT = "Answer every question with a line of the form ANSWER: <your answer>."
NO_HISTORY = "This is the first round: there is no history yet."
HISTORY_HEADER = "Your last rounds (oldest first):"
HISTORY_LINE = "- you put in {you}, the others {others}; you earned {earned}{received}"
CONTRIBUTE_Q = ("Round {round}. How many of your {e} tokens do you put into the group account? "
                "Reply with ANSWER: <whole number>")
PUNISH_STATE = ("Round {round}. You put in {you}. The other members put in, in this order: "
                "{listing}.")
PUNISH_Q = ("How many deduction points do you give to each of them (in the same order, at most "
            "{m} in total)? Reply with ANSWER: <{count} whole numbers separated by commas>, "
            "or ANSWER: none")
REASK = "Your answer could not be read: {error}. {question}"


def _fmt(value: Any) -> str:
    return "(no valid answer)" if value == -1 else str(value)


def _question(obs: dict[str, Any]) -> str:
    if obs["phase"] == "punish":
        return PUNISH_Q.format(m=obs["max_points"], count=len(obs["others_put_in"]))
    return CONTRIBUTE_Q.format(round=obs["round"], e=obs["endowment"])


def system_prompt(observation: dict[str, Any]) -> str:
    """The rules with the game's actual parameters (the same for every member and round)."""
    obs = observation
    parts = [RULES.format(n=obs["group_size"], e=obs["endowment"], r=obs["multiplier"],
                          window=obs["window"])]
    if obs["punishment"]:
        parts.append(DEDUCTIONS.format(m=obs["max_points"], k=obs["impact"]))
    parts.append(FORMAT)
    return "\n\n".join(parts)


def render_prompt(observation: dict[str, Any]) -> str:
    """Your bounded history, this round's state and the question."""
    obs = observation
    parts = []
    if obs["history"]:
        parts.append("\n".join([HISTORY_HEADER, *(HISTORY_LINE.format(
            you=_fmt(h["you"]), others=", ".join(_fmt(o) for o in h["others"]),
            earned=h["earned"],
            received=(f"; {h['points_received']} deduction points received"
                      if obs["punishment"] else ""))
            for h in obs["history"])]))
    else:
        parts.append(NO_HISTORY)
    if obs["phase"] == "punish":
        listing = ", ".join(f"member {i + 1}: {_fmt(c)}"
                            for i, c in enumerate(obs["others_put_in"]))
        parts.append(PUNISH_STATE.format(round=obs["round"], you=obs["you_put_in"],
                                         listing=listing))
    parts.append(_question(obs))
    return "\n\n".join(parts)


def render_reask(observation: dict[str, Any], error: str) -> str:
    return REASK.format(error=error, question=_question(observation))
