"""Rules of the repeated public goods game, with an optional costly-punishment phase.

Agents sit in fixed groups of n for the episode (the "partners" design, where the decay of
contributions is best documented: Fehr & Gaechter, AER 2000). Each round every agent gets an
endowment E=20 and puts a whole number 0..E into a group pot; the pot is multiplied by
r = mpcr * n and shared equally, so each token contributed returns mpcr < 1 to its giver
(free riding is dominant) and r > 1 to the group (full contribution is efficient).

With `punish=True` each round has a second step: having seen everyone's contribution, each agent
may assign punishment points to the others in its group (at most `max_points` in total); a point
costs its giver 1 and its target `impact` (3, Fehr & Gaechter 2002). Invalid answers: an invalid
contribution transfers nothing (the endowment stays private, recorded -1, never counted as a
contribution), an invalid punishment assigns no points (recorded invalid).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from collective_bench.benchmarks.cooperation.commons import episode_tag
from collective_bench.errors import UserError
from collective_bench.game import Action, StepResult
from collective_bench.seeds import rng_for

TASK_NAME = "pool"
CONTRIBUTE, PUNISH = "contribute", "punish"
INVALID = -1


@dataclass(frozen=True)
class PGParams:
    group_size: int = 4
    n_groups: int = 1
    rounds: int = 10
    endowment: int = 20
    mpcr: float = 0.4
    memory: int = 3
    punish: bool = False
    max_points: int = 10
    impact: int = 3
    n_agents: int = 0
    """Derived (group_size * n_groups); a field so the driver can read it from the params."""
    n_focal: int | None = None

    def __post_init__(self) -> None:
        if self.group_size < 2 or self.n_groups < 1:
            raise UserError("group_size must be at least 2 and n_groups at least 1")
        if not 1 / self.group_size < self.mpcr < 1:
            raise UserError(f"mpcr must be in (1/n, 1) so that r > 1 and r/n < 1, got "
                            f"{self.mpcr} for n={self.group_size}")
        if self.rounds < 1 or self.memory < 1 or self.endowment < 1:
            raise UserError("rounds, memory and endowment must be at least 1")
        object.__setattr__(self, "n_agents", self.group_size * self.n_groups)

    @property
    def multiplier(self) -> float:
        return self.mpcr * self.group_size


@dataclass(frozen=True)
class PGState:
    round: int
    phase: str
    seed: int
    groups: tuple[tuple[int, ...], ...]
    contrib: tuple[int, ...] = ()
    """This round's contributions (during the punishment step)."""
    history: tuple[tuple[tuple[int, tuple[int, ...], float, int], ...], ...] = ()
    """Per agent, last H rounds: (own contribution, others' contributions, earnings, points
    received)."""


def parse_points(value: Action, n_others: int, max_points: int) -> tuple[int, ...] | None:
    """A valid punishment vector, or None (wrong length, negative, over the budget)."""
    if not isinstance(value, (list, tuple)) or len(value) != n_others:
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
        return None
    return tuple(value) if sum(value) <= max_points else None


@dataclass(frozen=True)
class PGGame:
    """The Game (see collective_bench.game.Game) of `public_goods` and `public_goods_punish`."""

    params: PGParams
    name: str = TASK_NAME

    def initial_state(self, seed: int) -> PGState:
        p = self.params
        order = list(range(p.n_agents))
        rng_for("pg-groups", seed).shuffle(order)
        groups = tuple(tuple(sorted(order[g * p.group_size:(g + 1) * p.group_size]))
                       for g in range(p.n_groups))
        return PGState(round=0, phase=CONTRIBUTE, seed=seed, groups=groups,
                       history=tuple(() for _ in range(p.n_agents)))

    def group_of(self, state: PGState, agent: int) -> tuple[int, ...]:
        return next(g for g in state.groups if agent in g)

    def others(self, state: PGState, agent: int) -> list[int]:
        return [a for a in self.group_of(state, agent) if a != agent]

    def acting_agents(self, state: PGState) -> list[int]:
        return list(range(self.params.n_agents))

    def fixed_actions(self, state: PGState) -> dict[int, Action]:
        return {}

    def observe(self, state: PGState, agent: int) -> dict[str, Any]:
        p = self.params
        obs: dict[str, Any] = {
            "task": self.name, "agent": agent, "game": episode_tag(state.seed),
            "round": state.round + 1, "phase": state.phase, "group_size": p.group_size,
            "endowment": p.endowment, "multiplier": round(p.multiplier, 6),
            "window": p.memory, "punishment": p.punish,
            "history": [
                {"you": c, "others": list(o), "earned": round(e, 4), "points_received": pr}
                for c, o, e, pr in state.history[agent]
            ],
        }
        if p.punish:  # rules of the deduction step, rendered from the game's own parameters
            obs["max_points"], obs["impact"] = p.max_points, p.impact
        if state.phase == PUNISH:
            obs["you_put_in"] = state.contrib[agent]
            obs["others_put_in"] = [state.contrib[o] for o in self.others(state, agent)]
        return obs

    def _earnings(self, state: PGState, contrib: list[int]) -> list[float]:
        p = self.params
        pay = [0.0] * p.n_agents
        for g in state.groups:
            share = p.mpcr * sum(max(0, contrib[a]) for a in g)
            for a in g:
                pay[a] = p.endowment - max(0, contrib[a]) + share
        return pay

    def step(self, state: PGState, actions: dict[int, Action]) -> StepResult[PGState]:
        p = self.params
        if state.phase == CONTRIBUTE:
            contrib: list[int] = []
            for a in range(p.n_agents):
                v = actions.get(a)
                ok = isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= p.endowment
                contrib.append(v if ok and isinstance(v, int) else INVALID)
            record: dict[str, Any] = {"round": state.round + 1, "phase": CONTRIBUTE,
                                      "groups": [list(g) for g in state.groups],
                                      "contrib": contrib}
            if p.punish:
                return StepResult(replace(state, phase=PUNISH, contrib=tuple(contrib)), record)
            pay = self._earnings(state, contrib)
            record["pay"] = pay
            return StepResult(self._close(state, contrib, pay, [0] * p.n_agents), record)
        contrib = list(state.contrib)  # the punishment step's view of this round's contributions
        pay = self._earnings(state, contrib)
        received = [0] * p.n_agents
        points: list[list[int] | None] = []
        for a in range(p.n_agents):
            others = self.others(state, a)
            vec = parse_points(actions.get(a), len(others), p.max_points)
            points.append(list(vec) if vec is not None else None)
            for target, n in zip(others, vec or (), strict=False):
                received[target] += n
                pay[a] -= n
        for a in range(p.n_agents):
            pay[a] -= p.impact * received[a]
        record = {"round": state.round + 1, "phase": PUNISH,
                  "groups": [list(g) for g in state.groups], "contrib": contrib,
                  "points": points, "pay": pay}
        return StepResult(self._close(state, contrib, pay, received), record)

    def _close(self, state: PGState, contrib: list[int], pay: list[float],
               received: list[int]) -> PGState:
        h = self.params.memory
        history = tuple(
            (state.history[a] + ((contrib[a], tuple(contrib[o] for o in self.others(state, a)),
                                  pay[a], received[a]),))[-h:]
            for a in range(self.params.n_agents)
        )
        return replace(state, round=state.round + 1, phase=CONTRIBUTE, contrib=(),
                       history=history)

    def max_decisions(self) -> int:
        """Every agent contributes each round, and punishes where there is punishment."""
        p = self.params
        return p.rounds * p.n_agents * (2 if p.punish else 1)

    def is_over(self, state: PGState) -> bool:
        return state.round >= self.params.rounds

    def summary(self, state: PGState) -> dict[str, Any]:
        p = self.params
        return {"n_agents": p.n_agents, "group_size": p.group_size, "rounds": p.rounds,
                "endowment": p.endowment, "mpcr": p.mpcr, "multiplier": p.multiplier,
                "punish": p.punish, "max_points": p.max_points, "impact": p.impact}
