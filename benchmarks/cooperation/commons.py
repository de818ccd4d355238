"""Rules of the shared-fishery commons (GovSim, Piatti et al., NeurIPS 2024), with optional talk.

Each month every agent asks, simultaneously, to harvest a whole number of tons from a lake that
starts at `capacity` (100). If the requests fit in the stock each agent gets its request;
otherwise the stock is shared in proportion to the requests (largest-remainder rounding, ties
broken by a seeded draw), so the whole stock is taken. The commons collapses, and the episode
ends, when what is left after the harvest is below `collapse_below` (5). Otherwise the remainder
doubles, capped at `capacity`. An invalid answer harvests nothing (GovSim-like: no made-up move).

With `talk=True` each month has two steps: a talk step, where every agent writes one short
message broadcast to all, then the harvest step, whose observation carries this month's messages.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, replace
from typing import Any

from collective_bench.errors import UserError
from collective_bench.game import Action, StepResult
from collective_bench.seeds import rng_for

TASK_NAME = "fishery"
"""Neutral id written into observations (the prompt never names the paper)."""
HARVEST, TALK = "harvest", "talk"
INVALID = -1


@dataclass(frozen=True)
class CommonsParams:
    """One commons episode (defaults: GovSim's fishery)."""

    n_agents: int = 5
    months: int = 12
    capacity: int = 100
    collapse_below: int = 5
    memory: int = 3
    talk: bool = False
    max_message_chars: int = 300
    n_focal: int | None = None

    def __post_init__(self) -> None:
        if self.n_agents < 2:
            raise UserError(f"n_agents must be at least 2, got {self.n_agents}")
        if self.months < 1:
            raise UserError(f"months must be at least 1, got {self.months}")
        if self.capacity < 2:
            raise UserError(f"capacity must be at least 2, got {self.capacity}")
        if not 0 <= self.collapse_below < self.capacity:
            raise UserError(f"collapse_below must be in [0, capacity), got {self.collapse_below}")
        if self.memory < 1:
            raise UserError(f"memory must be at least 1, got {self.memory}")
        if self.max_message_chars < 20:
            raise UserError(f"max_message_chars must be at least 20, got {self.max_message_chars}")


@dataclass(frozen=True)
class CommonsState:
    month: int
    """0-based month being played."""
    phase: str
    stock: int
    seed: int
    collapsed: bool = False
    history: tuple[tuple[int, int, tuple[int, ...], int], ...] = ()
    """Last `memory` months: (stock at start, total taken, each agent's catch, stock after)."""
    messages: tuple[str | None, ...] = ()
    """This month's messages (talk variant), reset every month."""
    totals: tuple[int, ...] = ()


def episode_tag(seed: int) -> str:
    """A short neutral id of the episode, shown in the observation: it makes prompts (hence the
    seeded moves of random reference policies, and cache keys) differ between episodes."""
    rng = rng_for("tag", seed)
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(6))


def sustainable_share(stock: int, n_agents: int) -> int:
    """GovSim's per-agent sustainability threshold: floor(floor(stock / 2) / n)."""
    return (stock // 2) // n_agents


def allocate(requests: list[int], stock: int, seed: int, month: int) -> list[int]:
    """What each agent actually gets. Requests that fit are served in full; otherwise each gets
    floor(r_i * stock / total) and the leftover tons go one each by largest remainder, ties in a
    seeded random order, so the allocation is proportional, whole, exact and reproducible."""
    total = sum(requests)
    if total <= stock:
        return list(requests)
    base = [r * stock // total for r in requests]
    rests = [r * stock % total for r in requests]
    order = list(range(len(requests)))
    rng_for("ration", seed, month).shuffle(order)
    order.sort(key=lambda i: -rests[i])  # stable: the shuffle breaks ties
    for i in order[: stock - sum(base)]:
        base[i] += 1
    return base


@dataclass(frozen=True)
class CommonsGame:
    """The Game (see collective_bench.game.Game) of the `commons` and `commons_talk` tasks."""

    params: CommonsParams
    name: str = TASK_NAME

    def initial_state(self, seed: int) -> CommonsState:
        p = self.params
        return CommonsState(
            month=0, phase=TALK if p.talk else HARVEST, stock=p.capacity, seed=seed,
            messages=(), totals=(0,) * p.n_agents,
        )

    def acting_agents(self, state: CommonsState) -> list[int]:
        return list(range(self.params.n_agents))

    def fixed_actions(self, state: CommonsState) -> dict[int, Action]:
        return {}

    def observe(self, state: CommonsState, agent: int) -> dict[str, Any]:
        p = self.params
        obs: dict[str, Any] = {
            "task": self.name,
            "agent": agent,
            "game": episode_tag(state.seed),
            "phase": state.phase,
            "month": state.month + 1,
            "stock": state.stock,
            "n_agents": p.n_agents,
            "capacity": p.capacity,
            "collapse_below": p.collapse_below,
            "window": p.memory,
            "history": [
                {"stock": s, "you": each[agent], "others": total - each[agent], "after": after}
                for s, total, each, after in state.history
            ],
        }
        if p.talk:
            obs["max_chars"] = p.max_message_chars
            if state.phase == HARVEST:
                obs["messages"] = [
                    {"from": "you" if i == agent else f"member {i + 1}", "text": m}
                    for i, m in enumerate(state.messages) if m is not None
                ]
        return obs

    def step(self, state: CommonsState, actions: dict[int, Action]) -> StepResult[CommonsState]:
        if state.phase == TALK:
            return self._talk(state, actions)
        return self._harvest(state, actions)

    def _talk(self, state: CommonsState, actions: dict[int, Action]) -> StepResult[CommonsState]:
        limit = self.params.max_message_chars
        said: list[str | None] = []
        for a in range(self.params.n_agents):
            text = actions.get(a)
            said.append(str(text)[:limit] if isinstance(text, str) and text.strip() else None)
        record = {"month": state.month + 1, "phase": TALK, "messages": said}
        return StepResult(replace(state, phase=HARVEST, messages=tuple(said)), record)

    def _harvest(
        self, state: CommonsState, actions: dict[int, Action]
    ) -> StepResult[CommonsState]:
        p = self.params
        requests: list[int] = []
        for a in range(p.n_agents):
            value = actions.get(a)
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= state.stock:
                requests.append(value)
            else:
                requests.append(INVALID)
        got = allocate([max(0, r) for r in requests], state.stock, state.seed, state.month)
        total = sum(got)
        remaining = state.stock - total
        collapsed = remaining < p.collapse_below
        after = 0 if collapsed else min(2 * remaining, p.capacity)
        record = {
            "month": state.month + 1, "phase": HARVEST, "stock": state.stock,
            "request": requests, "harvest": got, "remaining": remaining, "after": after,
            "collapsed": collapsed,
        }
        history = (state.history + ((state.stock, total, tuple(got), after),))[-p.memory :]
        new = replace(
            state, month=state.month + 1, phase=TALK if p.talk else HARVEST, stock=after,
            collapsed=collapsed, history=history, messages=(),
            totals=tuple(t + g for t, g in zip(state.totals, got, strict=True)),
        )
        return StepResult(new, record)

    def is_over(self, state: CommonsState) -> bool:
        return state.collapsed or state.month >= self.params.months

    def summary(self, state: CommonsState) -> dict[str, Any]:
        p = self.params
        return {
            "n_agents": p.n_agents,
            "months": p.months,
            "capacity": p.capacity,
            "months_played": state.month,
            "collapsed": state.collapsed,
            "totals": list(state.totals),
            "talk": p.talk,
        }
