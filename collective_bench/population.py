"""Population: N agents, each bound to a model role, with an optional persona.

The model under test is *focal*; the rest of the population is *background*, bound through
inspect model roles (``--model-role background=...``), as in Melting Pot's focal/background split.
With no background role bound, background agents use the focal model, so a homogeneous run needs
no extra flags.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from collective_bench.errors import UserError

FOCAL = "focal"
BACKGROUND = "background"


@dataclass(frozen=True)
class Agent:
    """One member of the population."""

    id: int
    role: str = FOCAL
    persona: str | None = None


@dataclass(frozen=True)
class Population:
    """Agents of an episode and the model role each one plays.

    (Each agent's memory window is a rule of the Game, which keeps and bounds it.)
    """

    agents: tuple[Agent, ...]

    @property
    def size(self) -> int:
        return len(self.agents)

    def role_of(self, agent: int) -> str:
        return self.agents[agent].role


def build_population(
    n_agents: int,
    n_focal: int | None,
    rng: random.Random,
    eligible: Sequence[int] | None = None,
) -> Population:
    """`n_focal` focal agents placed at random (all focal when None), the rest background.

    Focal agents are drawn from `eligible` (the agents a model actually plays; scripted members
    such as committed agents are not), so n_focal always means n agents played by the model.
    """
    if n_agents < 2:
        raise UserError(f"n_agents must be at least 2, got {n_agents}")
    pool = sorted(eligible) if eligible is not None else list(range(n_agents))
    if n_focal is None:
        n_focal = len(pool)
    if not 0 <= n_focal <= len(pool):
        raise UserError(
            f"n_focal must be between 0 and {len(pool)} (the agents a model plays), got {n_focal}"
        )
    focal_ids = set(rng.sample(pool, n_focal))
    agents = tuple(
        Agent(id=i, role=FOCAL if i in focal_ids else BACKGROUND) for i in range(n_agents)
    )
    return Population(agents=agents)
