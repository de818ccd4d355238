"""Scripted agents for the opinions tasks, as pure functions of the observation.

Opinions live on the integer scale -3..+3, so continuous updates are rounded stochastically
(up with probability equal to the fractional part): the expected move equals the textbook model's
move, and small pulls are not lost to rounding.

- ``textbook`` (= ``deffuant``): Deffuant-Weisbuch bounded confidence (Deffuant et al., 2000):
  meet one random shown neighbour; if the positions differ by at most EPSILON levels, move a
  fraction MU of the way toward it. With rewiring it also follows Holme & Newman (2006): with
  probability PHI it drops its most distant contact beyond EPSILON and links to the closest
  stranger within EPSILON.
- ``hk``: Hegselmann-Krause (2002): move to the mean of itself and every shown neighbour within
  EPSILON.
- ``voter``: the voter model (Clifford & Sudbury, 1973; Holley & Liggett, 1975): copy the
  position of one random shown neighbour.
- ``stubborn`` (= ``selfish``): keeps its position and never rewires. In a discussion with no
  payoff a self-interested agent has no reason to concede, so "selfish" is the agent that never
  moves: the baseline against which any social influence is measured.
- ``random``: a uniformly random position, and a random rewire half of the time.
"""

from __future__ import annotations

import math
import random
from typing import Any

from collective_bench.benchmarks.opinions.adapter import format_answer
from collective_bench.benchmarks.opinions.game import HI, LO, REWIRE_TASK_NAME, TASK_NAME
from collective_bench.policies import Policy, TaskPolicies

EPSILON = 2.0
"""Confidence bound in scale levels (1/3 of the range, as eps = 0.33 on [0, 1])."""
MU = 0.5
PHI = 0.5


def stochastic_round(value: float, rng: random.Random) -> int:
    low = math.floor(value)
    return int(min(HI, max(LO, low + (1 if rng.random() < value - low else 0))))


def _position(obs: dict[str, Any], value: float, rng: random.Random) -> float:
    """The stated position: rounded onto the scale, exact in the continuous calibration mode."""
    return float(value) if obs.get("continuous") else stochastic_round(value, rng)


def _move(obs: dict[str, Any], opinion: float, rewire: list[str] | None = None
          ) -> dict[str, Any]:
    move: dict[str, Any] = {"opinion": opinion, "message": f"My position is {opinion:+g}."}
    if "strangers" in obs:
        move["rewire"] = rewire
    return move


def _own(obs: dict[str, Any]) -> float:
    value = obs["you"]["opinion"]
    return float(value) if obs.get("continuous") else int(value)


def _homophilous_rewire(obs: dict[str, Any], x: float, rng: random.Random) -> list[str] | None:
    """Drop the farthest contact beyond EPSILON for the closest stranger within it (prob PHI)."""
    if "strangers" not in obs or rng.random() >= PHI:
        return None
    far = [e for e in obs["neighbours"] if abs(e["opinion"] - x) > EPSILON]
    near = [e for e in obs["strangers"] if abs(e["opinion"] - x) <= EPSILON]
    if not far or not near:
        return None
    drop = max(far, key=lambda e: (abs(e["opinion"] - x), e["id"]))
    add = min(near, key=lambda e: (abs(e["opinion"] - x), e["id"]))
    return [drop["id"], add["id"]]


def bounded_confidence(
    obs: dict[str, Any], rng: random.Random, eps: float = EPSILON, mu: float = MU
) -> dict[str, Any]:
    """Deffuant-Weisbuch: meet one random shown neighbour, move mu toward it if within eps."""
    x = _own(obs)
    new: float = x
    if obs["neighbours"]:
        other = float(rng.choice(obs["neighbours"])["opinion"])
        if abs(other - x) <= eps:
            new = _position(obs, x + mu * (other - x), rng)
    return _move(obs, new, _homophilous_rewire(obs, x, rng))


def deffuant(obs: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    return bounded_confidence(obs, rng)


def hegselmann_krause(obs: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    x = _own(obs)
    close = [x] + [float(e["opinion"]) for e in obs["neighbours"]
                   if abs(e["opinion"] - x) <= EPSILON]
    return _move(obs, _position(obs, sum(close) / len(close), rng))


def voter(obs: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    x = _own(obs)
    new = _own({**obs, "you": rng.choice(obs["neighbours"])}) if obs["neighbours"] else x
    return _move(obs, new)


def stubborn(obs: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    return _move(obs, _own(obs))


def uniform(obs: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    value = rng.randint(LO, HI)
    rewire = None
    if "strangers" in obs and obs["neighbours"] and obs["strangers"] and rng.random() < 0.5:
        rewire = [rng.choice(obs["neighbours"])["id"], rng.choice(obs["strangers"])["id"]]
    return _move(obs, value, rewire)


_PLAYERS: dict[str, Policy] = {
    "textbook": deffuant, "deffuant": deffuant, "hk": hegselmann_krause, "voter": voter,
    "stubborn": stubborn, "selfish": stubborn, "random": uniform,
}
POLICIES = TaskPolicies(task=TASK_NAME, policies=dict(_PLAYERS), format_answer=format_answer)
REWIRE_POLICIES = TaskPolicies(
    task=REWIRE_TASK_NAME, policies=dict(_PLAYERS), format_answer=format_answer
)
