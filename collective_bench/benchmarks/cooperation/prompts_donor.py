"""Prompt text of the donor game (module constants; the rules live in donor.py).

Neutral wording: "resources", "give" and "player"; no "cooperate", "reputation", "selfish" or
"survival of the fittest". Agents are told that the better-off half continues to the next
generation, since the selection pressure is part of the game (as in Vallinder & Hughes, 2024).
"""

from __future__ import annotations

from typing import Any

RULES = """\
You are one of {n} players in a repeated giving game. Each \
generation lasts {rounds} rounds and every player starts it with {start} units of resources. \
Each round you are matched with another player and decide what percent (a whole number from 0 \
to 100) of your current resources to give them; they receive {mult} times the amount you give. \
Someone else, at the same time, decides what to give you. After the last round of a generation, \
the half of the players with the most resources continue to the next generation with their \
strategy; the others are replaced by new players. Your goal is to have as many resources as you \
can at the end of the generation. You see the last {window} gifts of this generation.
Write a strategy as a line STRATEGY: <your strategy>; answer a giving question with a line \
ANSWER: <percent>."""
ADVICE_HEADER = "Strategies of the players who continued from the last generation:"
NO_ADVICE = "This is the first generation: there is no advice from earlier players."
STRATEGY_Q = ("Generation {generation}. Write your strategy for this generation in a few "
              "sentences (at most {limit} characters). Reply with STRATEGY: <your strategy>")
YOUR_STRATEGY = "Your strategy for this generation: {strategy}"
NO_STRATEGY = "You have no written strategy."
STATE = ("Generation {generation}, round {round}. You have {resources} units. This round you give "
         "to {recipient}, who has {recipient_resources} units.")
RECIPIENT = "{recipient} last gave: {gave}."
RECIPIENT_NONE = "{recipient} has not given yet this generation, as far as you know."
YOU = "You last gave {gave} and received {received} units."
DONATE_Q = ("What percent of your resources do you give to {recipient}? "
            "Reply with ANSWER: <percent>")
REASK = "Your answer could not be read: {error}. {question}"


def _pct(values: list[Any]) -> str:
    return ", ".join("(no valid answer)" if v is None else f"{v}%" for v in values)


def _question(obs: dict[str, Any]) -> str:
    if obs["phase"] == "strategy":
        return STRATEGY_Q.format(generation=obs["generation"], limit=obs["max_chars"])
    return DONATE_Q.format(recipient=obs["recipient"])


def system_prompt(observation: dict[str, Any]) -> str:
    """The rules with the game's actual parameters (the same for every player and round)."""
    obs = observation
    return RULES.format(n=obs["n_agents"], rounds=obs["rounds_per_generation"],
                        start=_num(obs["start"]), mult=_num(obs["multiplier"]),
                        window=obs["window"])


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def render_prompt(observation: dict[str, Any]) -> str:
    """Advice or your strategy, this round's state, the recipient's record, the question."""
    obs = observation
    parts = [f"You are {obs['you']}."]
    if obs["phase"] == "strategy":
        advice = [f"- {s}" for s in obs["advice"]]
        parts.append("\n".join([ADVICE_HEADER, *advice]) if advice else NO_ADVICE)
    else:
        strategy = obs["strategy"]
        parts.append(YOUR_STRATEGY.format(strategy=strategy) if strategy else NO_STRATEGY)
        parts.append(STATE.format(**{k: obs[k] for k in ("generation", "round", "resources",
                                                          "recipient", "recipient_resources")}))
        parts.append(RECIPIENT.format(recipient=obs["recipient"], gave=_pct(obs["recipient_gave"]))
                     if obs["recipient_gave"] else RECIPIENT_NONE.format(
                         recipient=obs["recipient"]))
        if obs["you_gave"]:
            parts.append(YOU.format(gave=_pct(obs["you_gave"]),
                                    received=", ".join(str(x) for x in obs["you_received"])))
    parts.append(_question(obs))
    return "\n\n".join(parts)


def render_reask(observation: dict[str, Any], error: str) -> str:
    return REASK.format(error=error, question=_question(observation))
