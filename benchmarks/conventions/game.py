"""Rules of the naming game (Ashery, Aiello & Baronchelli, Sci. Adv. 2025) and its
committed-minority variant (after Centola et al., Science 2018).

Each round every agent is paired at random (a random perfect matching) and names one label from
a pool of W neutral random strings; matching labels pay +100 each, otherwise -50 each. An agent
sees only its own last H interactions. An invalid answer names no label, so that interaction
fails. The committed-minority variant starts from an established convention in every memory and
adds committed agents who always name the alternative.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass, field, replace
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
IDLE = -2
"""Record value for an agent not matched this round (graph topologies); -1 is an invalid answer."""

TASK_NAME = "coordination"
"""The id written into observations: neutral, so the prompt does not name the literature."""
LABEL_LENGTH = 4
TIP_SHARE = 0.95
TIP_ROUNDS = 3
SUCCESS_ROUNDS_95 = 3


@dataclass(frozen=True)
class NamingParams:
    """Parameters of one naming-game episode (defaults: the paper's population of 24)."""

    n_agents: int = 24
    n_labels: int = 10
    memory: int = 5
    max_rounds: int = 30
    reward: int = 100
    penalty: int = -50
    committed_fraction: float = 0.0
    established: bool = False
    stop_early: bool = True
    n_focal: int | None = None
    topology: str = WELL_MIXED
    degree: int = 4

    def __post_init__(self) -> None:
        if self.topology != WELL_MIXED and self.topology not in GRAPH_KINDS:
            raise UserError(
                f"unknown topology {self.topology!r}; choose one of "
                f"{', '.join((WELL_MIXED, *GRAPH_KINDS))}"
            )
        if self.n_agents < 2 or self.n_agents % 2:
            raise UserError(f"n_agents must be an even number >= 2, got {self.n_agents}")
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


@dataclass
class NamingState:
    """Mutable-free snapshot of an episode; `step` returns a new one."""

    round: int
    labels: tuple[str, ...]
    memories: tuple[tuple[tuple[str | None, str | None, int], ...], ...]
    pairs: tuple[tuple[int, int], ...]
    committed: frozenset[int]
    seed: int
    streak: int = 0
    streak_start: int | None = None
    consensus_round: int | None = None
    tip_run: int = 0
    tipped_round: int | None = None
    last_labels: tuple[str | None, ...] = field(default_factory=tuple)


def make_labels(n: int, seed: int) -> tuple[str, ...]:
    """W distinct neutral strings, fixed per episode (guards against training-data priors)."""
    rng = rng_for("labels", seed)
    out: list[str] = []
    while len(out) < n:
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(LABEL_LENGTH))
        if word not in out:
            out.append(word)
    return tuple(out)


@dataclass(frozen=True)
class NamingGame:
    """The Game (see collective_bench.game.Game) for both conventions tasks."""

    params: NamingParams
    name: str = TASK_NAME

    def _pairs(self, seed: int, round_no: int) -> tuple[tuple[int, int], ...]:
        """Well mixed: a random perfect matching. On a graph: a random maximal matching of its
        edges, so agents only meet neighbours and some may sit a round out."""
        rng = rng_for("pairs", seed, round_no)
        p = self.params
        if p.topology == WELL_MIXED:
            return tuple(random_perfect_matching(range(p.n_agents), rng))
        graph = make_graph(p.topology, p.n_agents, rng_for("graph", seed).randrange(2**31),
                           degree=p.degree)
        return tuple(graph_matching(graph, rng))

    def initial_state(self, seed: int) -> NamingState:
        p = self.params
        labels = make_labels(p.n_labels, seed)
        committed = frozenset(rng_for("committed", seed).sample(range(p.n_agents), p.n_committed))
        if p.established:
            held = (labels[0], labels[0], p.reward)
            memories = tuple(tuple([held] * p.memory) for _ in range(p.n_agents))
        else:
            memories = tuple(() for _ in range(p.n_agents))
        return NamingState(
            round=0, labels=labels, memories=memories, pairs=self._pairs(seed, 0),
            committed=committed, seed=seed,
        )

    def acting_agents(self, state: NamingState) -> list[int]:
        matched = {a for pair in state.pairs for a in pair}
        return [a for a in sorted(matched) if a not in state.committed]

    def fixed_actions(self, state: NamingState) -> dict[int, Action]:
        alternative = state.labels[1]
        matched = {a for pair in state.pairs for a in pair}
        return {a: alternative for a in sorted(state.committed) if a in matched}

    def observe(self, state: NamingState, agent: int) -> dict[str, Any]:
        return {
            "task": self.name,
            "agent": agent,
            "round": state.round + 1,
            "labels": list(state.labels),
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
        chosen: list[str | None] = [None] * p.n_agents
        for agent, action in actions.items():
            chosen[agent] = action if action in labels else None
        memories = list(state.memories)
        ok: list[int] = []
        streak, start, consensus = state.streak, state.streak_start, state.consensus_round
        for a, b in state.pairs:
            success = chosen[a] is not None and chosen[a] == chosen[b]
            pay = p.reward if success else p.penalty
            memories[a] = (memories[a] + ((chosen[a], chosen[b], pay),))[-p.memory :]
            memories[b] = (memories[b] + ((chosen[b], chosen[a], pay),))[-p.memory :]
            ok.append(int(success))
            if success:
                if streak == 0:
                    start = state.round + 1
                streak += 1
                if consensus is None and streak >= 3 * p.n_agents:
                    consensus = start
            else:
                streak, start = 0, None
        named = [c for c in chosen if c is not None]
        alt_share = named.count(labels[1]) / (2 * len(state.pairs)) if state.pairs else 0.0
        tip_run = state.tip_run + 1 if alt_share >= TIP_SHARE else 0
        tipped = state.tipped_round
        if tipped is None and tip_run >= TIP_ROUNDS:
            tipped = state.round + 1 - (TIP_ROUNDS - 1)
        index = {label: i for i, label in enumerate(labels)}
        matched = {a for pair in state.pairs for a in pair}
        record = {
            "round": state.round + 1,
            "pairs": [list(pair) for pair in state.pairs],
            "act": [
                IDLE if a not in matched else (index[c] if c is not None else -1)
                for a, c in enumerate(chosen)
            ],
            "ok": ok,
        }
        new = replace(
            state,
            round=state.round + 1,
            memories=tuple(memories),
            pairs=self._pairs(state.seed, state.round + 1),
            streak=streak,
            streak_start=start,
            consensus_round=consensus,
            tip_run=tip_run,
            tipped_round=tipped,
            last_labels=tuple(chosen),
        )
        return StepResult(new, record)

    def is_over(self, state: NamingState) -> bool:
        if state.round >= self.params.max_rounds:
            return True
        if not self.params.stop_early:
            return False
        if self.params.established:
            return state.tipped_round is not None
        return state.consensus_round is not None

    def summary(self, state: NamingState) -> dict[str, Any]:
        return {
            "n_agents": self.params.n_agents,
            "n_labels": self.params.n_labels,
            "labels": list(state.labels),
            "committed": sorted(state.committed),
            # the realised share (agents are whole): 0.1 of 24 is 2 agents, 0.083
            "committed_fraction": len(state.committed) / self.params.n_agents,
            "topology": self.params.topology,
            "rounds_played": state.round,
            "consensus_round": state.consensus_round,
            "tipped_round": state.tipped_round,
        }
