"""Rules of the opinions tasks: opinion exchange on a network, optionally with rewiring.

N agents sit on a graph. Every round each agent reads the latest short messages (and stated
positions) of at most `max_shown` neighbours and states its own position on the 7-point scale
-3..+3 with a short message. With `rewire` (echo_chambers) it also sees `strangers` non-neighbours
and may replace one tie: drop a current neighbour and connect to one of the strangers it was
shown, so homophily can emerge rather than being imposed (after Holme & Newman, PRE 2006).

Invalid answer rule: the agent's opinion stays where it was, it posts no message this round and
it rewires nothing. Nothing is invented; the driver counts the answer as invalid.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, replace
from typing import Any

from collective_bench.errors import UserError
from collective_bench.game import Action, StepResult
from collective_bench.seeds import rng_for
from collective_bench.topology import make_graph

TASK_NAME = "discussion"
"""Neutral id written into observations of opinion_dynamics."""
REWIRE_TASK_NAME = "discussion_network"
"""Neutral id of echo_chambers (its observations and answers carry rewiring)."""
TOPOLOGIES = ("complete", "small_world", "scale_free", "blocks")
INITIALS = ("uniform", "skewed", "two_camps")
LO, HI = -3, 3
MAX_MESSAGE = 200
"""Characters of a message kept (longer ones are cut): bounds every prompt."""
HANDLE_LENGTH = 4
SKEW_WEIGHTS = (1, 2, 3, 4, 5, 6, 7)
"""`skewed` start: P(level) grows linearly toward one pole (drawn per episode)."""
CAMP = 2
"""`two_camps` start: agents at -CAMP or +CAMP."""


@dataclass(frozen=True)
class OpinionParams:
    """One episode's parameters: population, network, start, and the topic shown."""

    n_agents: int = 24
    max_rounds: int = 10
    topology: str = "small_world"
    degree: int = 4
    initial: str = "uniform"
    camp_share: float = 0.5
    rewire: bool = False
    max_shown: int = 8
    strangers: int = 2
    statement: str = "This statement is a placeholder."
    topic_id: str = ""
    kind: str = "contested"
    sign: int = 1
    n_focal: int | None = None
    stop_at_consensus: bool = False
    continuous: bool = False
    """Calibration only (never a task parameter, never prompted): positions are real numbers in
    [-3, 3], uniform at the start, so the task's own Game can be checked against Deffuant's
    continuous-opinion result under the direct driver."""

    def __post_init__(self) -> None:
        if self.topology not in TOPOLOGIES:
            raise UserError(f"unknown topology {self.topology!r}; choose one of "
                            f"{', '.join(TOPOLOGIES)}")
        if self.initial not in INITIALS:
            raise UserError(f"unknown initial {self.initial!r}; choose one of "
                            f"{', '.join(INITIALS)}")
        if self.n_agents < 4:
            raise UserError(f"n_agents must be at least 4, got {self.n_agents}")
        if not 2 <= self.degree < self.n_agents:
            raise UserError(f"degree must be between 2 and n_agents - 1, got {self.degree}")
        if self.max_rounds < 1:
            raise UserError(f"max_rounds must be at least 1, got {self.max_rounds}")
        if self.rewire and self.topology == "complete":
            raise UserError("rewiring needs a topology other than complete (everyone is already "
                            "linked); use small_world, scale_free or blocks")
        if self.max_shown < 1 or self.strangers < 1:
            raise UserError("max_shown and strangers must be at least 1")
        if not 0.0 <= self.camp_share <= 1.0:
            raise UserError(f"camp_share must be in [0, 1], got {self.camp_share}")

    @property
    def task_name(self) -> str:
        return REWIRE_TASK_NAME if self.rewire else TASK_NAME


@dataclass(frozen=True)
class OpinionState:
    """Immutable snapshot; `adjacency[i]` is i's sorted neighbour tuple."""

    round: int
    seed: int
    handles: tuple[str, ...]
    opinions: tuple[float, ...]
    """Integers on the 7-point scale (real numbers only in the continuous calibration mode)."""
    messages: tuple[str, ...]
    adjacency: tuple[tuple[int, ...], ...]
    initial: tuple[float, ...]


def make_handles(n: int, seed: int) -> tuple[str, ...]:
    """Distinct neutral random ids for the participants (no index or name leaks into prompts)."""
    rng = rng_for("handles", seed)
    out: list[str] = []
    while len(out) < n:
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(HANDLE_LENGTH))
        if word not in out:
            out.append(word)
    return tuple(out)


def clean_message(text: str) -> str:
    """One line, no code fences, at most MAX_MESSAGE characters (bounded, prompt-safe)."""
    flat = " ".join(text.replace("`", "'").split())
    return flat[:MAX_MESSAGE]


def initial_opinions(p: OpinionParams, seed: int) -> tuple[float, ...]:
    rng = rng_for("initial", seed)
    levels = list(range(LO, HI + 1))
    if p.continuous:
        return tuple(rng.uniform(LO, HI) for _ in range(p.n_agents))
    if p.initial == "uniform":
        values = [rng.choice(levels) for _ in range(p.n_agents)]
    elif p.initial == "skewed":
        weights = list(SKEW_WEIGHTS) if rng.random() < 0.5 else list(reversed(SKEW_WEIGHTS))
        values = rng.choices(levels, weights=weights, k=p.n_agents)
    else:
        k = round(p.camp_share * p.n_agents)
        values = [CAMP] * k + [-CAMP] * (p.n_agents - k)
        rng.shuffle(values)
    if p.topology == "blocks":
        # homophilous blocks: like-minded agents share a block (block 0 holds nodes 0..n/2-1)
        values.sort()
    return tuple(values)


@dataclass(frozen=True)
class OpinionGame:
    """The Game (collective_bench.game.Game) of opinion_dynamics and echo_chambers."""

    params: OpinionParams

    @property
    def name(self) -> str:
        return self.params.task_name

    def initial_state(self, seed: int) -> OpinionState:
        p = self.params
        graph = make_graph(p.topology, p.n_agents, rng_for("graph", seed).randrange(2**31),
                           degree=p.degree)
        adjacency = tuple(tuple(sorted(int(v) for v in graph.neighbors(i)))
                          for i in range(p.n_agents))
        opinions = initial_opinions(p, seed)
        return OpinionState(
            round=0, seed=seed, handles=make_handles(p.n_agents, seed), opinions=opinions,
            messages=("",) * p.n_agents, adjacency=adjacency, initial=opinions,
        )

    def acting_agents(self, state: OpinionState) -> list[int]:
        return list(range(self.params.n_agents))

    def fixed_actions(self, state: OpinionState) -> dict[int, Action]:
        return {}

    def shown_neighbours(self, state: OpinionState, agent: int) -> list[int]:
        """At most max_shown neighbours, a fresh seeded sample each round when there are more."""
        nbrs = list(state.adjacency[agent])
        if len(nbrs) <= self.params.max_shown:
            return nbrs
        return sorted(rng_for("shown", state.seed, state.round, agent)
                      .sample(nbrs, self.params.max_shown))

    def shown_strangers(self, state: OpinionState, agent: int) -> list[int]:
        """Non-neighbours an agent sees this round (rewiring only): the agents it may add."""
        if not self.params.rewire:
            return []
        near = set(state.adjacency[agent]) | {agent}
        pool = [i for i in range(self.params.n_agents) if i not in near]
        k = min(self.params.strangers, len(pool))
        return sorted(rng_for("strangers", state.seed, state.round, agent).sample(pool, k))

    def _entry(self, state: OpinionState, i: int) -> dict[str, Any]:
        return {"id": state.handles[i], "opinion": state.opinions[i], "message": state.messages[i]}

    def observe(self, state: OpinionState, agent: int) -> dict[str, Any]:
        p = self.params
        obs: dict[str, Any] = {
            "task": p.task_name,
            "agent": agent,
            "round": state.round + 1,
            "n_agents": p.n_agents,
            "statement": p.statement,
            "scale": [LO, HI],
            "max_message": MAX_MESSAGE,
            "you": self._entry(state, agent),
            "neighbours": [self._entry(state, i) for i in self.shown_neighbours(state, agent)],
            "n_neighbours": len(state.adjacency[agent]),
        }
        if p.rewire:
            obs["strangers"] = [self._entry(state, i) for i in self.shown_strangers(state, agent)]
        if p.continuous:
            obs["continuous"] = True
        return obs

    def _rewire(
        self, state: OpinionState, adjacency: list[set[int]], agent: int, action: Any
    ) -> bool:
        """Apply one agent's drop/add if both ends are still valid; True if a tie moved."""
        pair = action.get("rewire") if isinstance(action, dict) else None
        if not self.params.rewire or not pair:
            return False
        index = {h: i for i, h in enumerate(state.handles)}
        drop, add = index.get(str(pair[0])), index.get(str(pair[1]))
        if drop is None or add is None or drop not in state.adjacency[agent]:
            return False
        if add not in self.shown_strangers(state, agent):
            return False
        if drop not in adjacency[agent] or add in adjacency[agent]:
            return False  # an earlier rewire this round already changed these ties
        adjacency[agent].discard(drop)
        adjacency[drop].discard(agent)
        adjacency[agent].add(add)
        adjacency[add].add(agent)
        return True

    def _valid(self, value: Any) -> bool:
        if self.params.continuous:
            return isinstance(value, int | float) and LO <= value <= HI
        return isinstance(value, int) and not isinstance(value, bool) and LO <= value <= HI

    def step(self, state: OpinionState, actions: dict[int, Action]) -> StepResult[OpinionState]:
        opinions = list(state.opinions)
        messages = list(state.messages)
        for agent in range(self.params.n_agents):
            action = actions.get(agent)
            if not isinstance(action, dict):  # invalid: opinion unchanged, no message
                messages[agent] = ""
                continue
            value: Any = action.get("opinion")
            if self._valid(value):
                opinions[agent] = float(value) if self.params.continuous else int(value)
            messages[agent] = clean_message(str(action.get("message", "")))
        rewired = 0
        adjacency_out = state.adjacency
        if self.params.rewire:  # copying a large fixed graph every round would dominate the cost
            adjacency = [set(a) for a in state.adjacency]
            for agent in range(self.params.n_agents):
                rewired += self._rewire(state, adjacency, agent, actions.get(agent))
            adjacency_out = tuple(tuple(sorted(a)) for a in adjacency)
        record: dict[str, Any] = {"round": state.round + 1, "op": opinions, "rewired": rewired}
        new = replace(
            state, round=state.round + 1, opinions=tuple(opinions), messages=tuple(messages),
            adjacency=adjacency_out,
        )
        return StepResult(new, record)

    def max_decisions(self) -> int:
        """Every agent posts each round, up to the round cap."""
        return self.params.max_rounds * self.params.n_agents

    def is_over(self, state: OpinionState) -> bool:
        if state.round >= self.params.max_rounds:
            return True
        return self.params.stop_at_consensus and len(set(state.opinions)) == 1

    def summary(self, state: OpinionState) -> dict[str, Any]:
        p = self.params
        return {
            "n_agents": p.n_agents,
            "scale": [LO, HI],
            "topic_id": p.topic_id,
            "kind": p.kind,
            "sign": p.sign,
            "topology": p.topology,
            "initial": p.initial,
            "rewire": p.rewire,
            "rounds_played": state.round,
            "initial_opinions": list(state.initial),
            "final_opinions": list(state.opinions),
            "edges": [[i, j] for i, nbrs in enumerate(state.adjacency) for j in nbrs if i < j],
        }
