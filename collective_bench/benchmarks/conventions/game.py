"""Rules of the naming game (Ashery, Aiello & Baronchelli, Sci. Adv. 2025) and its
committed-minority variant (after Centola et al., Science 2018).

Default schedule (`pairs`, the paper's): each step is ONE interaction between a random ordered
pair (a random agent, then a random neighbour of it: anyone else when well mixed). Both name one
label from a pool of W neutral random strings; matching labels pay +100 each, otherwise -50
each. An agent sees only its own last H interactions, and the label list in a fresh random order
in every prompt (so no position is privileged). The `rounds` schedule pairs everyone at once by
a random perfect matching each step: faster to run, not the paper's protocol.

Time is counted in interactions; "population time" is interactions / N in both schedules.
An invalid answer names no label, so that interaction fails. The committed-minority variant
starts from an established convention in every memory and turns some agents into committed ones
who always name the alternative.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass, replace
from typing import Any

from collective_bench.errors import UserError
from collective_bench.game import Action, StepResult
from collective_bench.seeds import rng_for
from collective_bench.topology import (
    GRAPH_KINDS,
    graph_matching,
    make_graph,
    random_perfect_matching,
)

WELL_MIXED = "well_mixed"
PAIRS, ROUNDS = "pairs", "rounds"
SCHEDULES = (PAIRS, ROUNDS)
IDLE = -2
"""Record value for an agent that did not play in a step; -1 is an invalid answer."""

TASK_NAME = "coordination"
"""The id written into observations: neutral, so nothing names the literature."""
LABEL_LENGTH = 4
STREAK_PER_AGENT = 3
"""Consensus: 3N consecutive successful interactions (Baronchelli et al. 2006; Ashery et al.)."""
TIP_SHARE = 0.95
TIP_BINS = 3
"""Tipping: >= 95% of the non-committed agents' plays name the alternative in each of 3
consecutive population rounds (bins of N interactions), the criterion of Ashery et al.'s
analysis of their committed-minority runs."""


@dataclass(frozen=True)
class NamingParams:
    """Parameters of one naming-game episode (defaults: Ashery et al.'s N=24, H=5, W=10)."""

    n_agents: int = 24
    n_labels: int = 10
    memory: int = 5
    max_rounds: int = 100
    """The cap in population rounds: the episode ends after max_rounds * N interactions."""
    reward: int = 100
    penalty: int = -50
    committed_fraction: float = 0.0
    established: bool = False
    stop_early: bool = True
    n_focal: int | None = None
    topology: str = WELL_MIXED
    degree: int = 4
    schedule: str = PAIRS
    label_seed: int | None = None
    """Seed of the label pool; None draws it from the episode seed. The tasks pass their base
    seed, so every episode of a run uses the same strings (as the paper's fixed pools)."""
    shuffle: bool = True
    """List the labels in a fresh random order in every prompt (the paper's protocol)."""

    def __post_init__(self) -> None:
        if self.topology != WELL_MIXED and self.topology not in GRAPH_KINDS:
            raise UserError(
                f"unknown topology {self.topology!r}; choose one of "
                f"{', '.join((WELL_MIXED, *GRAPH_KINDS))}"
            )
        if self.schedule not in SCHEDULES:
            raise UserError(f"unknown schedule {self.schedule!r}; choose pairs or rounds")
        if self.n_agents < 2 or (self.schedule == ROUNDS and self.n_agents % 2):
            raise UserError(
                f"n_agents must be at least 2 (and even with schedule=rounds), got {self.n_agents}"
            )
        if self.n_labels < 2:
            raise UserError(f"n_labels must be at least 2, got {self.n_labels}")
        if self.memory < 1:
            raise UserError(f"memory must be at least 1, got {self.memory}")
        if self.max_rounds < 1:
            raise UserError(f"max_rounds must be at least 1, got {self.max_rounds}")
        if not 0.0 <= self.committed_fraction < 1.0:
            raise UserError(
                f"committed_fraction must be in [0, 1), got {self.committed_fraction}"
            )

    @property
    def n_committed(self) -> int:
        return math.floor(self.committed_fraction * self.n_agents + 1e-9)

    @property
    def max_interactions(self) -> int:
        return self.max_rounds * self.n_agents


Memory = tuple[tuple[str | None, str | None, int], ...]


@dataclass(frozen=True)
class NamingState:
    """A snapshot of an episode; `step` returns a new one."""

    step: int
    interactions: int
    labels: tuple[str, ...]
    memories: tuple[Memory, ...]
    played: tuple[int, ...]
    pairs: tuple[tuple[int, int], ...]
    committed: frozenset[int]
    seed: int
    neighbours: tuple[tuple[int, ...], ...] | None = None
    streak: int = 0
    consensus_at: int | None = None
    """The interaction at which the first run of 3N successes ended (1-based), or None."""
    bin_alt: int = 0
    bin_plays: int = 0
    tip_run: int = 0
    tipped_at: int | None = None
    """The interaction ending the 3rd consecutive tipped population round, or None."""


def make_labels(n: int, seed: int) -> tuple[str, ...]:
    """W distinct neutral strings (guards against training-data priors on real words)."""
    rng = rng_for("labels", seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(LABEL_LENGTH))
        if word not in seen:
            seen.add(word)
            out.append(word)
    return tuple(out)


@dataclass(frozen=True)
class NamingGame:
    """The Game (see collective_bench.game.Game) for every conventions task."""

    params: NamingParams
    name: str = TASK_NAME

    def _pairs(self, state_seed: int, step: int,
               neighbours: tuple[tuple[int, ...], ...] | None) -> tuple[tuple[int, int], ...]:
        rng = rng_for("pairs", state_seed, step)
        p = self.params
        if p.schedule == PAIRS:
            # the paper's draw: a random agent, then a random neighbour of it (speaker first)
            if neighbours is None:
                first = rng.randrange(p.n_agents)
                other = rng.randrange(p.n_agents - 1)
                return ((first, other + 1 if other >= first else other),)
            first = rng.choice([a for a in range(p.n_agents) if neighbours[a]])
            return ((first, rng.choice(neighbours[first])),)
        if neighbours is None:
            return tuple(random_perfect_matching(range(p.n_agents), rng))
        graph = make_graph(p.topology, p.n_agents, rng_for("graph", state_seed).randrange(2**31),
                           degree=p.degree)
        return tuple(graph_matching(graph, rng))

    def initial_state(self, seed: int) -> NamingState:
        p = self.params
        labels = make_labels(p.n_labels, seed if p.label_seed is None else p.label_seed)
        committed = frozenset(rng_for("committed", seed).sample(range(p.n_agents), p.n_committed))
        neighbours = None
        if p.topology != WELL_MIXED:
            graph = make_graph(p.topology, p.n_agents, rng_for("graph", seed).randrange(2**31),
                               degree=p.degree)
            neighbours = tuple(tuple(sorted(graph.neighbors(a))) for a in range(p.n_agents))
        if p.established:
            held = (labels[0], labels[0], p.reward)
            memories: tuple[Memory, ...] = tuple(
                tuple([held] * p.memory) for _ in range(p.n_agents))
        else:
            memories = tuple(() for _ in range(p.n_agents))
        return NamingState(
            step=0, interactions=0, labels=labels, memories=memories,
            played=(0,) * p.n_agents, pairs=self._pairs(seed, 0, neighbours),
            committed=committed, seed=seed, neighbours=neighbours,
        )

    def players(self, state: NamingState) -> list[int]:
        """Agents a model plays in this episode (committed agents are scripted)."""
        return [a for a in range(self.params.n_agents) if a not in state.committed]

    def acting_agents(self, state: NamingState) -> list[int]:
        """The step's non-committed players, in draw order (the speaker first)."""
        return [a for pair in state.pairs for a in pair if a not in state.committed]

    def fixed_actions(self, state: NamingState) -> dict[int, Action]:
        alternative = state.labels[1]
        return {a: alternative for pair in state.pairs for a in pair if a in state.committed}

    def shown_labels(self, state: NamingState, agent: int) -> list[str]:
        """The label list as this agent's prompt lists it: reshuffled for every prompt."""
        labels = list(state.labels)
        if self.params.shuffle:
            rng_for("order", state.seed, state.step, agent).shuffle(labels)
        return labels

    def observe(self, state: NamingState, agent: int) -> dict[str, Any]:
        return {
            "task": self.name,
            "episode": state.seed,
            "agent": agent,
            "round": state.played[agent] + 1,
            "labels": self.shown_labels(state, agent),
            "reward": self.params.reward,
            "penalty": self.params.penalty,
            "window": self.params.memory,
            "memory": [
                {"you": own, "partner": other, "payoff": pay}
                for own, other, pay in state.memories[agent]
            ],
        }

    def step(self, state: NamingState, actions: dict[int, Action]) -> StepResult[NamingState]:
        p = self.params
        labels = state.labels
        n = p.n_agents
        chosen: dict[int, str | None] = {
            a: (action if action in labels else None) for a, action in actions.items()}
        memories = list(state.memories)
        played = list(state.played)
        ok: list[int] = []
        streak, consensus = state.streak, state.consensus_at
        t = state.interactions
        bin_alt, bin_plays, tip_run, tipped = (
            state.bin_alt, state.bin_plays, state.tip_run, state.tipped_at)
        for a, b in state.pairs:
            ca, cb = chosen.get(a), chosen.get(b)
            success = ca is not None and ca == cb
            pay = p.reward if success else p.penalty
            memories[a] = (memories[a] + ((ca, cb, pay),))[-p.memory:]
            memories[b] = (memories[b] + ((cb, ca, pay),))[-p.memory:]
            played[a] += 1
            played[b] += 1
            ok.append(int(success))
            t += 1
            streak = streak + 1 if success else 0
            if consensus is None and streak >= STREAK_PER_AGENT * n:
                consensus = t
            for agent, c in ((a, ca), (b, cb)):
                if agent not in state.committed:
                    bin_plays += 1
                    bin_alt += int(c == labels[1])
            if t % n == 0:  # a population round (N interactions) is complete
                share = bin_alt / bin_plays if bin_plays else 0.0
                tip_run = tip_run + 1 if share >= TIP_SHARE else 0
                if tipped is None and tip_run >= TIP_BINS:
                    tipped = t
                bin_alt = bin_plays = 0
        index = {label: i for i, label in enumerate(labels)}
        act = [IDLE] * n
        for agent in (a for pair in state.pairs for a in pair):
            c = chosen.get(agent)  # no answer at all is an invalid answer
            act[agent] = index[c] if c is not None else -1
        record = {
            "round": state.step + 1,
            "t": t,
            "pairs": [list(pair) for pair in state.pairs],
            "act": act,
            "ok": ok,
        }
        new = replace(
            state,
            step=state.step + 1,
            interactions=t,
            memories=tuple(memories),
            played=tuple(played),
            pairs=self._pairs(state.seed, state.step + 1, state.neighbours),
            streak=streak,
            consensus_at=consensus,
            bin_alt=bin_alt,
            bin_plays=bin_plays,
            tip_run=tip_run,
            tipped_at=tipped,
        )
        return StepResult(new, record)

    def max_decisions(self) -> int:
        """Two players per interaction up to the cap; a concurrent step may pass the cap by
        less than one population's pairs."""
        return 2 * self.params.max_interactions + self.params.n_agents

    def is_over(self, state: NamingState) -> bool:
        if state.interactions >= self.params.max_interactions:
            return True
        if not self.params.stop_early:
            return False
        if self.params.established:
            return state.tipped_at is not None
        return state.consensus_at is not None

    def summary(self, state: NamingState) -> dict[str, Any]:
        return {
            "n_agents": self.params.n_agents,
            "n_labels": self.params.n_labels,
            "labels": list(state.labels),
            "committed": sorted(state.committed),
            # the realised share (agents are whole): 0.1 of 24 is 2 agents, 0.083
            "committed_fraction": len(state.committed) / self.params.n_agents,
            "topology": self.params.topology,
            "schedule": self.params.schedule,
            "steps": state.step,
            "interactions": state.interactions,
            "max_interactions": self.params.max_interactions,
            "consensus_at": state.consensus_at,
            "tipped_at": state.tipped_at,
        }
