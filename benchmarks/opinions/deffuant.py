"""Deffuant-Weisbuch bounded confidence on continuous opinions, vectorised, for calibration.

Deffuant, Neau, Amblard & Weisbuch (Adv. Complex Syst. 2000): N opinions uniform on [0, 1];
random pairs meet; if |x_i - x_j| <= eps both move a fraction mu of the way toward each other.
The population settles into about floor(1 / (2 eps)) major clusters, and into one for
eps >= 0.5. The same dynamics run under the direct driver; one step is a sweep of N/2 encounters
along a random perfect matching (disjoint pairs do not interact within a sweep, so a sweep is
N/2 consecutive random encounters, drawn without replacement within the sweep). The rule is the
whole model, so no agent is asked (acting_agents is empty) and a step is one numpy operation:
at N = 1000 a run of thousands of sweeps takes a fraction of a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from collective_bench.game import Action, StepResult
from collective_bench.seeds import np_rng_for

SETTLED = 1e-6
"""Opinions closer than this count as one point (a collapsed cluster)."""


@dataclass
class DeffuantState:
    """Opinions are updated in place: copying 1000 floats per sweep would be the main cost."""

    x: np.ndarray
    rng: np.random.Generator
    sweeps: int = 0
    settled: bool = False


def is_settled(x: np.ndarray, eps: float, tol: float = SETTLED) -> bool:
    """Settled: every gap between sorted opinions is either collapsed (<= tol) or > eps.

    Beyond eps nothing more can happen; within a collapsed cluster the remaining moves are
    below tol per gap, so the cluster count can no longer change."""
    gaps = np.diff(np.sort(x))
    return bool(np.all((gaps <= tol) | (gaps > eps)))


@dataclass(frozen=True)
class DeffuantModel:
    n_agents: int = 1000
    eps: float = 0.2
    mu: float = 0.5
    max_sweeps: int = 20000
    name: str = "deffuant_continuous"

    def initial_state(self, seed: int) -> DeffuantState:
        rng = np_rng_for("deffuant", seed)
        return DeffuantState(x=rng.random(self.n_agents), rng=rng)

    def acting_agents(self, state: DeffuantState) -> list[int]:
        return []

    def fixed_actions(self, state: DeffuantState) -> dict[int, Action]:
        return {}

    def observe(self, state: DeffuantState, agent: int) -> dict[str, Any]:
        return {"task": self.name, "agent": agent, "opinion": float(state.x[agent])}

    def step(self, state: DeffuantState, actions: dict[int, Action]) -> StepResult[DeffuantState]:
        order = state.rng.permutation(self.n_agents)
        half = self.n_agents // 2
        i, j = order[:half], order[half : 2 * half]
        d = state.x[j] - state.x[i]
        close = np.abs(d) <= self.eps
        state.x[i[close]] += self.mu * d[close]
        state.x[j[close]] -= self.mu * d[close]
        state.sweeps += 1
        state.settled = is_settled(state.x, self.eps)
        return StepResult(state, {"sweep": state.sweeps, "met": int(close.sum())})

    def is_over(self, state: DeffuantState) -> bool:
        return state.settled or state.sweeps >= self.max_sweeps

    def summary(self, state: DeffuantState) -> dict[str, Any]:
        return {"n_agents": self.n_agents, "eps": self.eps, "sweeps": state.sweeps,
                "settled": state.settled, "opinions": state.x.tolist()}
