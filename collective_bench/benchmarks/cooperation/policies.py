"""Scripted agents of the cooperation tasks, and the answer format they share with LLMs.

Commons (`fishery`):
- ``textbook``: the sustainable harvester, GovSim's threshold floor(floor(stock / 2) / n): if all
  take it, the stock regrows to capacity every month. In the talk step it proposes that share.
- ``selfish``: the greedy harvester, asks for the whole stock. Under GovSim's random rationing
  (and the proportional variant) a larger request never gets less, so this is the myopic best
  response whatever others do.
- ``random``: a uniformly random valid request in [0, stock]; a random stock message.

Repeated PD (`exchange`); the cooperative option is read off the payoff table (the option whose
mutual play pays more), since labels are random per episode:
- ``textbook``: tit-for-tat (Axelrod, 1984): start by cooperating with a new partner, then copy
  that partner's last move towards you (an invalid move counts as defection).
- ``selfish``: always defect. ``random``: a uniformly random option.
- also ``cooperate`` (always), ``grim_trigger`` (defects for good once the partner has ever
  defected: it reads the count over all rounds with that partner, which the prompt shows, so it
  never forgets beyond the remembered window).

Public goods (`pool`):
- ``textbook``: the conditional cooperator (Fischbacher, Gaechter & Fehr, 2001): puts in the
  whole endowment in round 1, then the others' mean contribution of the last round (rounded);
  in the deduction step it gives 2 points to each member who put in less than it did.
- ``selfish``: the free rider, puts in 0 and never deducts. ``random``: a uniform contribution
  and at most one point per member at random. Also ``cooperate`` (always the whole endowment).

Donor game (`giving`):
- ``textbook``: image scoring (Nowak & Sigmund, Nature 1998), the canonical indirect
  reciprocator: it donates (all its resources, the donor game's efficient gift since every unit
  is doubled) to a recipient with no record yet or whose last gift was at least half of its
  resources, and gives nothing otherwise; it writes that rule as its strategy. Among
  discriminators every gift is made, so resources double each round: textbook > random (a
  uniform percent, about 1.5x a round) > selfish (nothing, resources stay at the start).
- ``selfish``: gives nothing. ``random``: a uniformly random percent.
"""

from __future__ import annotations

import random
from typing import Any

from collective_bench.benchmarks.cooperation.adapter import Strategy, format_answer
from collective_bench.benchmarks.cooperation.commons import TASK_NAME as COMMONS_TASK
from collective_bench.benchmarks.cooperation.commons import sustainable_share
from collective_bench.benchmarks.cooperation.donor import TASK_NAME as DONOR_TASK
from collective_bench.benchmarks.cooperation.pd import TASK_NAME as PD_TASK
from collective_bench.benchmarks.cooperation.pg import TASK_NAME as PG_TASK
from collective_bench.policies import Policy, TaskPolicies

RANDOM_MESSAGES = (
    "Hello everyone, good luck this month.",
    "I have not decided yet how much to catch.",
    "Let us see how the lake does this month.",
    "I will catch what seems right to me.",
)


def _commons_message(obs: dict[str, Any], share: int | None) -> str:
    if share is None:
        return "I will catch as much as I can this month."
    return (f"If each of us catches at most {share} tons, the lake refills every month. "
            f"I will catch {share}.")


def sustainable_harvester(obs: dict[str, Any], rng: random.Random) -> int | str:
    n = int(obs["n_agents"])
    if obs["phase"] == "talk":  # propose the share of next month's stock
        regrown = min(2 * int(obs["left"]), int(obs["capacity"]))
        return _commons_message(obs, sustainable_share(regrown, n))
    return sustainable_share(int(obs["stock"]), n)


def greedy_harvester(obs: dict[str, Any], rng: random.Random) -> int | str:
    return _commons_message(obs, None) if obs["phase"] == "talk" else int(obs["stock"])


def random_harvester(obs: dict[str, Any], rng: random.Random) -> int | str:
    if obs["phase"] == "talk":
        return rng.choice(RANDOM_MESSAGES)
    return rng.randint(0, int(obs["stock"]))


COMMONS_POLICIES = TaskPolicies(
    task=COMMONS_TASK,
    policies={
        "textbook": sustainable_harvester,
        "selfish": greedy_harvester,
        "random": random_harvester,
        "sustainable": sustainable_harvester,
        "greedy": greedy_harvester,
    },
    format_answer=format_answer,
)



def cooperative_option(obs: dict[str, Any]) -> tuple[str, str]:
    """(cooperative label, defecting label): the option with the higher mutual payoff first."""
    mutual = {row["you"]: row["you_get"] for row in obs["payoffs"] if row["you"] == row["partner"]}
    first, second = sorted(mutual, key=lambda o: -mutual[o])
    return first, second


def tit_for_tat(obs: dict[str, Any], rng: random.Random) -> str:
    coop, defect = cooperative_option(obs)
    seen = obs["with_partner"]
    return coop if not seen or seen[-1]["partner"] == coop else defect


def grim_trigger(obs: dict[str, Any], rng: random.Random) -> str:
    coop, defect = cooperative_option(obs)
    ever = obs["partner_total"]
    return defect if ever[defect] or ever["invalid"] else coop


def always_cooperate(obs: dict[str, Any], rng: random.Random) -> str:
    return cooperative_option(obs)[0]


def always_defect(obs: dict[str, Any], rng: random.Random) -> str:
    return cooperative_option(obs)[1]


def random_option(obs: dict[str, Any], rng: random.Random) -> str:
    return str(rng.choice(obs["options"]))


PD_POLICIES = TaskPolicies(
    task=PD_TASK,
    policies={
        "textbook": tit_for_tat,
        "selfish": always_defect,
        "random": random_option,
        "cooperate": always_cooperate,
        "grim_trigger": grim_trigger,
    },
    format_answer=format_answer,
)



def conditional_cooperator(obs: dict[str, Any], rng: random.Random) -> int | list[int]:
    if obs["phase"] == "punish":
        mine, budget, points = int(obs["you_put_in"]), int(obs["max_points"]), []
        for other in obs["others_put_in"]:
            give = min(2, budget) if max(0, other) < mine else 0
            budget -= give
            points.append(give)
        return points
    if not obs["history"]:
        return int(obs["endowment"])
    valid = [c for c in obs["history"][-1]["others"] if c >= 0]
    return round(sum(valid) / len(valid)) if valid else max(0, int(obs["history"][-1]["you"]))


def free_rider(obs: dict[str, Any], rng: random.Random) -> int | list[int]:
    return [0] * len(obs["others_put_in"]) if obs["phase"] == "punish" else 0


def full_contributor(obs: dict[str, Any], rng: random.Random) -> int | list[int]:
    return [0] * len(obs["others_put_in"]) if obs["phase"] == "punish" else int(obs["endowment"])


def random_contributor(obs: dict[str, Any], rng: random.Random) -> int | list[int]:
    if obs["phase"] != "punish":
        return rng.randint(0, int(obs["endowment"]))
    budget, points = int(obs["max_points"]), []
    for _ in obs["others_put_in"]:
        give = min(budget, rng.randint(0, 1))
        budget -= give
        points.append(give)
    return points


PG_POLICIES = TaskPolicies(
    task=PG_TASK,
    policies={
        "textbook": conditional_cooperator,
        "selfish": free_rider,
        "random": random_contributor,
        "cooperate": full_contributor,
    },
    format_answer=format_answer,
)



IMAGE_SCORING = ("Give all my resources to players who have no record yet or who gave at "
                 "least half of theirs last time; give nothing to the others.")


def image_scoring(obs: dict[str, Any], rng: random.Random) -> int | str:
    if obs["phase"] == "strategy":
        return Strategy(IMAGE_SCORING)
    gave = obs["recipient_gave"]
    return 100 if not gave or (gave[-1] is not None and gave[-1] >= 50) else 0


def never_give(obs: dict[str, Any], rng: random.Random) -> int | str:
    return Strategy("Keep all my resources and give nothing.") if obs["phase"] == "strategy" \
        else 0


def random_giver(obs: dict[str, Any], rng: random.Random) -> int | str:
    if obs["phase"] == "strategy":
        return Strategy(rng.choice(RANDOM_MESSAGES))
    return rng.randint(0, 100)


DONOR_POLICIES = TaskPolicies(
    task=DONOR_TASK,
    policies={"textbook": image_scoring, "selfish": never_give, "random": random_giver},
    format_answer=format_answer,
)

ALL_POLICIES: tuple[TaskPolicies, ...] = (
    COMMONS_POLICIES, PD_POLICIES, PG_POLICIES, DONOR_POLICIES,
)

__all__ = ["ALL_POLICIES", "COMMONS_POLICIES", "DONOR_POLICIES", "PD_POLICIES", "PG_POLICIES",
           "Policy"]
