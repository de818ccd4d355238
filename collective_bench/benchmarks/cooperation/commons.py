"""Rules of the shared-fishery commons (GovSim, Piatti et al., NeurIPS 2024), with optional talk.

Each month every agent asks, concurrently (GovSim's `harvesting_order: concurrent`), for a whole
number of tons from a lake that starts at `capacity` (100). If the requests fit in the stock each
agent gets its request. Otherwise GovSim's `stochastic` rule (the default, `allocation="random"`)
hands the stock out one ton at a time, each ton to an agent drawn uniformly at random among those
still wanting more, until the lake is empty; `allocation="proportional"` (a named variant, not
GovSim's default) shares it in proportion to the requests. The commons collapses, and the episode
ends, when what is left after the harvest is below `collapse_below` (5): GovSim never tells its
agents this threshold, and neither do we. Otherwise the remainder doubles, capped at `capacity`.
An invalid answer harvests nothing (no made-up move).

With `talk=True`, as in GovSim's main experiment, every month's harvest is followed by a group
discussion in which everyone's catch is revealed first (GovSim's "mayor" report); then the agents
speak one at a time, each seeing the conversation so far, `talk_rounds` times around the group in
a seeded order (2 rounds of 5: GovSim's cap of 10 utterances). The next month's harvest prompt
shows that conversation. No discussion follows the last month's harvest or a collapse (it could
not affect any later move).
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
ALLOCATIONS = ("random", "proportional")


@dataclass(frozen=True)
class CommonsParams:
    """One commons episode (defaults: GovSim's fishery)."""

    n_agents: int = 5
    months: int = 12
    capacity: int = 100
    collapse_below: int = 5
    memory: int = 3
    talk: bool = False
    talk_rounds: int = 2
    max_message_chars: int = 300
    allocation: str = "random"
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
        if self.talk_rounds < 1:
            raise UserError(f"talk_rounds must be at least 1, got {self.talk_rounds}")
        if self.max_message_chars < 20:
            raise UserError(f"max_message_chars must be at least 20, got {self.max_message_chars}")
        if self.allocation not in ALLOCATIONS:
            raise UserError(f"allocation must be one of {', '.join(ALLOCATIONS)}, "
                            f"got {self.allocation!r}")


Month = tuple[int, tuple[int, ...], tuple[int, ...], int]
"""(stock at start, each agent's request (-1 invalid), each agent's catch, stock after)."""


@dataclass(frozen=True)
class CommonsState:
    month: int
    """0-based month being played (during a discussion: the month just harvested)."""
    phase: str
    stock: int
    seed: int
    collapsed: bool = False
    history: tuple[Month, ...] = ()
    """Last `memory` months, oldest first."""
    turn: int = 0
    """Talk phase: index into this month's speaking order."""
    said: tuple[tuple[int, str | None], ...] = ()
    """Talk phase: this month's conversation so far, (speaker, text or None for silence)."""
    last_talk: tuple[tuple[int, str | None], ...] = ()
    """The last discussion held (shown in the next harvest prompt)."""
    totals: tuple[int, ...] = ()


def episode_tag(seed: int) -> str:
    """A short neutral id of the episode kept in the observation (never rendered: it is a
    private field): it makes seeded reference moves and cache keys differ between episodes."""
    rng = rng_for("tag", seed)
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(6))


def sustainable_share(stock: int, n_agents: int) -> int:
    """GovSim's per-agent sustainability threshold: floor(floor(stock / 2) / n)."""
    return (stock // 2) // n_agents


def allocate_random(requests: list[int], stock: int, seed: int, month: int) -> list[int]:
    """GovSim's `stochastic` assignment: requests that fit are served in full; otherwise one ton
    at a time goes to an agent drawn uniformly among those still wanting more (seeded)."""
    if sum(requests) <= stock:
        return list(requests)
    rng = rng_for("ration", seed, month)
    wanted, got = list(requests), [0] * len(requests)
    for _ in range(stock):
        agent = rng.choice([i for i, w in enumerate(wanted) if w > 0])
        wanted[agent] -= 1
        got[agent] += 1
    return got


def allocate_proportional(requests: list[int], stock: int, seed: int, month: int) -> list[int]:
    """The proportional variant: floor(r_i * stock / total), leftover tons by largest remainder,
    ties in a seeded random order (whole, exact, reproducible)."""
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


ALLOCATE = {"random": allocate_random, "proportional": allocate_proportional}


def fisher(agent: int) -> str:
    return f"fisher {agent + 1}"


@dataclass(frozen=True)
class CommonsGame:
    """The Game (see collective_bench.game.Game) of the `commons` and `commons_talk` tasks."""

    params: CommonsParams
    name: str = TASK_NAME

    def initial_state(self, seed: int) -> CommonsState:
        return CommonsState(month=0, phase=HARVEST, stock=self.params.capacity, seed=seed,
                            totals=(0,) * self.params.n_agents)

    def speaking_order(self, seed: int, month: int) -> list[int]:
        """Who speaks when in a month's discussion: a seeded order, `talk_rounds` times."""
        order = list(range(self.params.n_agents))
        rng_for("talk-order", seed, month).shuffle(order)
        return order * self.params.talk_rounds

    def acting_agents(self, state: CommonsState) -> list[int]:
        if state.phase == TALK:
            return [self.speaking_order(state.seed, state.month)[state.turn]]
        return list(range(self.params.n_agents))

    def fixed_actions(self, state: CommonsState) -> dict[int, Action]:
        return {}

    def _month_view(self, month_no: int, m: Month, agent: int) -> dict[str, Any]:
        stock, requests, caught, after = m
        view: dict[str, Any] = {"month": month_no, "stock": stock, "wanted": requests[agent],
                                "caught": caught[agent], "after": after}
        if self.params.talk:  # catches are revealed to the group only where there is a talk
            view["catches"] = [{"who": "you" if i == agent else fisher(i), "caught": c}
                               for i, c in enumerate(caught)]
        return view

    def observe(self, state: CommonsState, agent: int) -> dict[str, Any]:
        p = self.params
        first = state.month + 1 - len(state.history) + (1 if state.phase == TALK else 0)
        obs: dict[str, Any] = {
            "task": self.name,
            "agent": agent,
            "you": fisher(agent),
            "game": episode_tag(state.seed),
            "phase": state.phase,
            "month": state.month + 1,
            "n_agents": p.n_agents,
            "capacity": p.capacity,
            "talk": p.talk,
            "window": p.memory,
            "max_chars": p.max_message_chars,
        }
        if state.phase == HARVEST:
            obs["stock"] = state.stock
            obs["history"] = [self._month_view(first + k, m, agent)
                              for k, m in enumerate(state.history)]
            if p.talk:
                obs["last_talk"] = self._conversation(state.last_talk, agent)
            return obs
        *earlier, this = state.history
        obs["history"] = [self._month_view(first + k, m, agent) for k, m in enumerate(earlier)]
        obs["this_month"] = self._month_view(state.month + 1, this, agent)
        obs["stock"] = this[0]
        obs["left"] = this[0] - sum(this[2])
        obs["conversation"] = self._conversation(state.said, agent)
        return obs

    @staticmethod
    def _conversation(said: tuple[tuple[int, str | None], ...], agent: int
                      ) -> list[dict[str, Any]]:
        return [{"from": "you" if who == agent else fisher(who), "text": text}
                for who, text in said if text is not None]

    def step(self, state: CommonsState, actions: dict[int, Action]) -> StepResult[CommonsState]:
        if state.phase == TALK:
            return self._talk(state, actions)
        return self._harvest(state, actions)

    def _talk(self, state: CommonsState, actions: dict[int, Action]) -> StepResult[CommonsState]:
        limit = self.params.max_message_chars
        order = self.speaking_order(state.seed, state.month)
        speaker = order[state.turn]
        text = actions.get(speaker)
        said = str(text)[:limit] if isinstance(text, str) and text.strip() else None
        conversation = (*state.said, (speaker, said))
        record = {"month": state.month + 1, "phase": TALK, "turn": state.turn + 1,
                  "speaker": speaker, "message": said}
        if state.turn + 1 < len(order):
            return StepResult(replace(state, turn=state.turn + 1, said=conversation), record)
        after = state.history[-1][3]
        return StepResult(replace(state, phase=HARVEST, month=state.month + 1, stock=after,
                                  turn=0, said=(), last_talk=conversation,
                                  history=state.history[-self.params.memory:]), record)

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
        got = ALLOCATE[p.allocation]([max(0, r) for r in requests], state.stock, state.seed,
                                     state.month)
        remaining = state.stock - sum(got)
        collapsed = remaining < p.collapse_below
        after = 0 if collapsed else min(2 * remaining, p.capacity)
        record = {
            "month": state.month + 1, "phase": HARVEST, "stock": state.stock,
            "sustainable_share": sustainable_share(state.stock, p.n_agents),
            "request": requests, "harvest": got, "remaining": remaining, "after": after,
            "collapsed": collapsed,
        }
        history = (*state.history, (state.stock, tuple(requests), tuple(got), after))
        totals = tuple(t + g for t, g in zip(state.totals, got, strict=True))
        talk_next = p.talk and not collapsed and state.month + 1 < p.months
        if talk_next:  # the month closes after its discussion
            new = replace(state, phase=TALK, turn=0, said=(), totals=totals,
                          history=history[-(p.memory + 1):])
        else:
            new = replace(state, month=state.month + 1, stock=after, collapsed=collapsed,
                          history=history[-p.memory:], totals=totals)
        return StepResult(new, record)

    def max_decisions(self) -> int:
        """A harvest by every fisher each month; where there is a talk, `talk_rounds` turns each
        after every month but the last."""
        p = self.params
        talks = (p.months - 1) * p.n_agents * p.talk_rounds if p.talk else 0
        return p.months * p.n_agents + talks

    def is_over(self, state: CommonsState) -> bool:
        return state.collapsed or state.month >= self.params.months

    def summary(self, state: CommonsState) -> dict[str, Any]:
        p = self.params
        return {
            "n_agents": p.n_agents,
            "months": p.months,
            "capacity": p.capacity,
            "max_sustainable_gain": p.months * (p.capacity // 2),
            "months_played": state.month,
            "collapsed": state.collapsed,
            "totals": list(state.totals),
            "talk": p.talk,
            "allocation": p.allocation,
        }
