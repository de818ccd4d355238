"""The minimal naming game (Baronchelli, Felici, Loreto, Caglioti & Steels, J. Stat. Mech. 2006).

The calibration model for the conventions family: one speaker-hearer interaction per step, each
agent holding an inventory of words. The speaker names a word from its inventory (inventing one
if empty); on success both collapse to that word, on failure the hearer adds it. In a well-mixed
population the peak total number of words, the time of that peak and the convergence time all
scale as N^1.5 (convergence at about 1.3-1.6 N^1.5 interactions). Runs under the direct driver.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from collective_bench.game import Action, StepResult
from collective_bench.seeds import rng_for

INVENT = -1
"""The speaker's action when its inventory is empty: invent a new word."""


@dataclass
class MinimalState:
    """Inventories are mutated in place: at N=1024 a run is ~10^5 steps, copying would dominate."""

    inventories: list[list[int]]
    rng: random.Random
    speaker: int = 0
    hearer: int = 1
    next_word: int = 0
    total_words: int = 0
    distinct: dict[int, int] = field(default_factory=dict)
    t: int = 0
    converged: bool = False
    max_steps: int = 0


@dataclass(frozen=True)
class MinimalNamingGame:
    n_agents: int
    max_steps: int = 10**8
    name: str = "minimal_naming_game"

    def _draw(self, state: MinimalState) -> None:
        n = self.n_agents
        state.speaker = state.rng.randrange(n)
        hearer = state.rng.randrange(n - 1)
        state.hearer = hearer + 1 if hearer >= state.speaker else hearer

    def initial_state(self, seed: int) -> MinimalState:
        state = MinimalState(
            inventories=[[] for _ in range(self.n_agents)], rng=rng_for("minimal", seed)
        )
        self._draw(state)
        return state

    def acting_agents(self, state: MinimalState) -> list[int]:
        return [state.speaker]

    def fixed_actions(self, state: MinimalState) -> dict[int, Action]:
        return {}

    def observe(self, state: MinimalState, agent: int) -> dict[str, Any]:
        return {"task": self.name, "inventory": state.inventories[agent]}

    def _add(self, state: MinimalState, inventory: list[int], word: int) -> None:
        inventory.append(word)
        state.total_words += 1
        state.distinct[word] = state.distinct.get(word, 0) + 1

    def _collapse(self, state: MinimalState, inventory: list[int], word: int) -> None:
        for w in inventory:
            state.distinct[w] -= 1
            if not state.distinct[w]:
                del state.distinct[w]
        state.total_words -= len(inventory) - 1
        inventory[:] = [word]
        state.distinct[word] = state.distinct.get(word, 0) + 1

    def step(self, state: MinimalState, actions: dict[int, Action]) -> StepResult[MinimalState]:
        speaker, hearer = state.inventories[state.speaker], state.inventories[state.hearer]
        word = actions[state.speaker]
        if word == INVENT or word is None:
            word = state.next_word
            state.next_word += 1
            self._add(state, speaker, word)
        success = word in hearer
        if success:
            self._collapse(state, speaker, word)
            self._collapse(state, hearer, word)
        else:
            self._add(state, hearer, word)
        state.t += 1
        state.converged = len(state.distinct) == 1 and state.total_words == self.n_agents
        self._draw(state)
        return StepResult(state, {"t": state.t, "ok": int(success)})

    def is_over(self, state: MinimalState) -> bool:
        return state.converged or state.t >= self.max_steps

    def summary(self, state: MinimalState) -> dict[str, Any]:
        return {"n_agents": self.n_agents, "steps": state.t, "converged": state.converged}


def speaker_policy(observation: dict[str, Any], rng: random.Random) -> int:
    """Name a random word of the inventory, or invent one if it is empty."""
    inventory = observation["inventory"]
    return rng.choice(inventory) if inventory else INVENT
