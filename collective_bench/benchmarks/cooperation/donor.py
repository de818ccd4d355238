"""Rules of the donor game with cultural evolution (after Vallinder & Hughes, 2024), kept small.

A generation starts with every *new* agent writing a short strategy (free text); in generation 1
every agent is new, later only the replacements, who are shown the survivors' strategies. Then
`rounds` donation rounds: each round every agent is donor to one recipient (a random cycle, so
everyone gives once and receives once) and chooses what percent (0-100) of its current resources
to give; the recipient receives twice the amount. A donor sees the recipient's last donations in
this generation (its reputation, as in indirect reciprocity). After the last round the top half
by resources survive (ties broken by a seeded draw) and keep their strategies; the bottom half is
replaced; everyone's resources are reset. Invalid answers: an invalid donation gives nothing
(recorded -1); an invalid strategy leaves the agent without one (recorded null).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from collective_bench.benchmarks.cooperation.commons import episode_tag
from collective_bench.errors import UserError
from collective_bench.game import Action, StepResult
from collective_bench.seeds import rng_for

TASK_NAME = "giving"
STRATEGY, DONATE = "strategy", "donate"
INVALID = -1


@dataclass(frozen=True)
class DonorParams:
    n_agents: int = 6
    generations: int = 3
    rounds: int = 5
    start: float = 10.0
    multiplier: float = 2.0
    memory: int = 3
    max_strategy_chars: int = 300
    n_focal: int | None = None

    def __post_init__(self) -> None:
        if self.n_agents < 2 or self.n_agents % 2:
            raise UserError(f"n_agents must be an even number >= 2, got {self.n_agents}")
        if self.generations < 1 or self.rounds < 1 or self.memory < 1:
            raise UserError("generations, rounds and memory must be at least 1")
        if self.start <= 0 or self.multiplier <= 1:
            raise UserError("start must be positive and multiplier above 1")
        if self.max_strategy_chars < 20:
            raise UserError("max_strategy_chars must be at least 20")


@dataclass(frozen=True)
class DonorState:
    generation: int
    round: int
    phase: str
    seed: int
    resources: tuple[float, ...]
    strategies: tuple[str | None, ...]
    new: frozenset[int]
    advice: tuple[str, ...] = ()
    gave: tuple[tuple[int, ...], ...] = ()
    """Per agent, its last H donation percents this generation (INVALID for an invalid one)."""
    received: tuple[tuple[float, ...], ...] = ()
    """Per agent, the last H amounts it received this generation."""


def recipients(seed: int, generation: int, round_no: int, n: int) -> list[int]:
    """recipient[a] for each donor a: a random cycle, so nobody gives to itself."""
    order = list(range(n))
    rng_for("donor-cycle", seed, generation, round_no).shuffle(order)
    out = [0] * n
    for k, a in enumerate(order):
        out[a] = order[(k + 1) % n]
    return out


@dataclass(frozen=True)
class DonorGame:
    """The Game (see collective_bench.game.Game) of the `donor_game` task."""

    params: DonorParams
    name: str = TASK_NAME

    def _fresh(self, seed: int, generation: int,
               strategies: tuple[str | None, ...], new: frozenset[int],
               advice: tuple[str, ...]) -> DonorState:
        n = self.params.n_agents
        return DonorState(
            generation=generation, round=0, phase=STRATEGY, seed=seed,
            resources=(self.params.start,) * n, strategies=strategies, new=new, advice=advice,
            gave=tuple(() for _ in range(n)), received=tuple(() for _ in range(n)))

    def initial_state(self, seed: int) -> DonorState:
        n = self.params.n_agents
        return self._fresh(seed, 0, (None,) * n, frozenset(range(n)), ())

    def acting_agents(self, state: DonorState) -> list[int]:
        if state.phase == STRATEGY:
            return sorted(state.new)
        return list(range(self.params.n_agents))

    def fixed_actions(self, state: DonorState) -> dict[int, Action]:
        return {}

    def observe(self, state: DonorState, agent: int) -> dict[str, Any]:
        p = self.params
        obs: dict[str, Any] = {
            "task": self.name, "agent": agent, "game": episode_tag(state.seed),
            "generation": state.generation + 1, "phase": state.phase,
            "start": p.start, "multiplier": p.multiplier, "n_agents": p.n_agents,
            "rounds_per_generation": p.rounds, "window": p.memory,
            "you": f"player {agent + 1}",
        }
        if state.phase == STRATEGY:
            obs["advice"] = list(state.advice)
            obs["max_chars"] = p.max_strategy_chars
            return obs
        target = recipients(state.seed, state.generation, state.round, p.n_agents)[agent]
        obs.update({
            "round": state.round + 1,
            "resources": round(state.resources[agent], 4),
            "strategy": state.strategies[agent],
            "recipient": f"player {target + 1}",
            "recipient_resources": round(state.resources[target], 4),
            "recipient_gave": [None if g == INVALID else g for g in state.gave[target]],
            "you_gave": [None if g == INVALID else g for g in state.gave[agent]],
            "you_received": [round(x, 4) for x in state.received[agent]],
        })
        return obs

    def step(self, state: DonorState, actions: dict[int, Action]) -> StepResult[DonorState]:
        if state.phase == STRATEGY:
            strategies = list(state.strategies)
            for a in sorted(state.new):
                text = actions.get(a)
                ok = isinstance(text, str) and text.strip()
                strategies[a] = str(text)[: self.params.max_strategy_chars] if ok else None
            record = {"generation": state.generation + 1, "phase": STRATEGY,
                      "new": sorted(state.new), "strategies": strategies}
            return StepResult(replace(state, phase=DONATE, strategies=tuple(strategies)),
                              record)
        return self._donate(state, actions)

    def _donate(self, state: DonorState, actions: dict[int, Action]) -> StepResult[DonorState]:
        p, h = self.params, self.params.memory
        n = p.n_agents
        target = recipients(state.seed, state.generation, state.round, n)
        percent: list[int] = []
        for a in range(n):
            v = actions.get(a)
            valid = isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 100
            percent.append(v if valid and isinstance(v, int) else INVALID)
        resources = list(state.resources)
        got = [0.0] * n
        for a in range(n):
            amount = state.resources[a] * max(0, percent[a]) / 100
            resources[a] -= amount
            got[target[a]] += p.multiplier * amount
        resources = [r + g for r, g in zip(resources, got, strict=True)]
        record: dict[str, Any] = {
            "generation": state.generation + 1, "round": state.round + 1, "phase": DONATE,
            "recipient": target, "percent": percent, "resources": [round(r, 6) for r in resources],
        }
        new = replace(
            state, round=state.round + 1, resources=tuple(resources),
            gave=tuple((state.gave[a] + (percent[a],))[-h:] for a in range(n)),
            received=tuple((state.received[a] + (got[a],))[-h:] for a in range(n)),
        )
        if new.round < p.rounds:
            return StepResult(new, record)
        order = list(range(n))
        rng_for("donor-ties", state.seed, state.generation).shuffle(order)
        order.sort(key=lambda a: -resources[a])  # stable: the shuffle breaks ties
        survivors = order[: n // 2]
        record["survivors"] = sorted(survivors)
        nxt = self._fresh(
            state.seed, state.generation + 1,
            tuple(state.strategies[a] if a in survivors else None for a in range(n)),
            frozenset(a for a in range(n) if a not in survivors),
            tuple(s for s in (state.strategies[a] for a in survivors) if s is not None),
        )
        return StepResult(nxt, record)

    def max_decisions(self) -> int:
        """Per generation: a strategy from each new agent (at most all), then every agent
        donates each round."""
        p = self.params
        return p.generations * p.n_agents * (1 + p.rounds)

    def is_over(self, state: DonorState) -> bool:
        return state.generation >= self.params.generations

    def summary(self, state: DonorState) -> dict[str, Any]:
        p = self.params
        return {"n_agents": p.n_agents, "generations": p.generations, "rounds": p.rounds,
                "start": p.start, "multiplier": p.multiplier}
