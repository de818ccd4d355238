"""Rules of the value-drift task: questionnaire, group discussion of dilemmas, questionnaire again.

Every agent answers the values questionnaire (sitting 1), discusses value-laden dilemmas in small
groups for K rounds (groups reshuffled every round), answers again at the midpoint (sitting 2) and
at the end (sitting 3). Drift is read off the three sittings (scorers/value_drift.py). In a
discussion round each agent reads its group-mates' latest messages about the current dilemma
(written in the previous round; each dilemma is discussed for `rounds_per_dilemma` rounds, so the
first round of a dilemma starts with no messages) and writes one: a stance (1-6) and a message.
Memory is bounded: a discussion prompt holds at most group_size - 1 messages, and a sitting holds
only the stances the agent read in its last `memory` rounds, whatever K is.

Invalid answers: a questionnaire answer with some items unreadable keeps the readable items and
leaves the rest missing (the adapter refuses answers with too few items, which get the re-ask);
an invalid answer (None) is a sitting with every item missing. An invalid discussion turn posts
no message that round. Nothing is ever filled in.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, replace
from typing import Any

from collective_bench.benchmarks.values.bank import (
    SCALE,
    VALUE_CODES,
    VALUES,
    dilemmas,
    personas,
    questionnaire,
)
from collective_bench.errors import UserError
from collective_bench.game import Action, StepResult
from collective_bench.seeds import rng_for

TASK_NAME = "survey"
"""The neutral id written into observations."""
SITTINGS = 3


@dataclass(frozen=True)
class DriftParams:
    """One episode's parameters (defaults: a real LLM run; the quick suite is smaller)."""

    n_agents: int = 12
    group_size: int = 3
    rounds: int = 8
    rounds_per_dilemma: int = 2
    personas: bool = True
    memory: int = 2
    message_chars: int = 300
    n_focal: int | None = None

    def __post_init__(self) -> None:
        if self.n_agents < 2:
            raise UserError(f"n_agents must be at least 2, got {self.n_agents}")
        if not 2 <= self.group_size <= self.n_agents or self.n_agents % self.group_size:
            raise UserError(f"group_size must be >= 2 and divide n_agents ({self.n_agents}), "
                            f"got {self.group_size}")
        if self.rounds < 2 or self.rounds % 2:
            raise UserError(f"rounds must be an even number >= 2 (a sitting at the midpoint), "
                            f"got {self.rounds}")
        if self.rounds_per_dilemma < 1:
            raise UserError(
                f"rounds_per_dilemma must be at least 1, got {self.rounds_per_dilemma}"
            )
        if self.memory < 1:
            raise UserError(f"memory must be at least 1, got {self.memory}")
        if self.message_chars < 20:
            raise UserError(f"message_chars must be at least 20, got {self.message_chars}")


@dataclass
class DriftState:
    """Position in the schedule plus each agent's latest message and bounded read memory."""

    step: int
    seed: int
    form: str
    persona_of: tuple[int, ...]
    """Index into the persona bank per agent, -1 for a plain (unconditioned) agent."""
    dilemma_order: tuple[int, ...]
    latest: tuple[dict[str, Any] | None, ...]
    heard: tuple[tuple[dict[str, Any], ...], ...]


def schedule(rounds: int) -> list[tuple[str, int]]:
    """("sit", n) and ("talk", r) steps: sitting 1, K/2 rounds, sitting 2, K/2 rounds, sitting 3."""
    half = rounds // 2
    talk = [("talk", r) for r in range(1, rounds + 1)]
    return [("sit", 1), *talk[:half], ("sit", 2), *talk[half:], ("sit", 3)]


def form_code(seed: int) -> str:
    """A neutral per-episode code (seeds the scripted agents' private draws, means nothing)."""
    rng = rng_for("form", seed)
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(6))


def _round_half_up(x: float) -> int:
    return int(min(SCALE[1], max(SCALE[0], int(x + 0.5))))


def mean_level(stances: list[int]) -> int:
    """The group's mean stance on the 1-6 scale, rounded half up (used by the conformist)."""
    return _round_half_up(sum(stances) / len(stances))


@dataclass(frozen=True)
class DriftGame:
    """The Game (see collective_bench.game.Game) of the value_drift task."""

    params: DriftParams
    name: str = TASK_NAME

    def groups(self, seed: int, round_no: int) -> list[list[int]]:
        """This round's groups: a seeded shuffle cut into groups of `group_size`."""
        order = list(range(self.params.n_agents))
        rng_for("groups", seed, round_no).shuffle(order)
        g = self.params.group_size
        return [sorted(order[i : i + g]) for i in range(0, len(order), g)]

    def initial_state(self, seed: int) -> DriftState:
        p = self.params
        bank = personas()
        if p.personas:
            rng = rng_for("personas", seed)
            persona_of: list[int] = []
            while len(persona_of) < p.n_agents:  # without replacement, then a fresh cycle
                cycle = list(range(len(bank)))
                rng.shuffle(cycle)
                persona_of += cycle
            persona_of = persona_of[: p.n_agents]
        else:
            persona_of = [-1] * p.n_agents
        order = list(range(len(dilemmas())))
        rng_for("dilemmas", seed).shuffle(order)
        return DriftState(
            step=0, seed=seed, form=form_code(seed), persona_of=tuple(persona_of),
            dilemma_order=tuple(order), latest=(None,) * p.n_agents,
            heard=((),) * p.n_agents,
        )

    def _phase(self, state: DriftState) -> tuple[str, int]:
        return schedule(self.params.rounds)[state.step]

    def _dilemma(self, state: DriftState, round_no: int) -> int:
        """Each dilemma is discussed for `rounds_per_dilemma` consecutive rounds."""
        block = (round_no - 1) // self.params.rounds_per_dilemma
        return state.dilemma_order[block % len(state.dilemma_order)]

    def _read(self, state: DriftState, agent: int, group: list[int],
              dilemma_id: str) -> list[dict[str, Any]]:
        """The group-mates' latest messages about this round's dilemma (older ones are not shown:
        they answered another question)."""
        return [r for m in group if m != agent and (r := state.latest[m]) is not None
                and r["dilemma"] == dilemma_id]

    def acting_agents(self, state: DriftState) -> list[int]:
        return list(range(self.params.n_agents))

    def fixed_actions(self, state: DriftState) -> dict[int, Action]:
        return {}

    def _persona(self, state: DriftState, agent: int) -> tuple[str | None, dict[str, int] | None]:
        """The persona's text (shown) and its intended level per value code (private)."""
        index = state.persona_of[agent]
        if index < 0:
            return None, None
        persona = personas()[index]
        levels = dict(zip((VALUE_CODES[v] for v in VALUES), persona.profile, strict=True))
        return persona.text, levels

    def observe(self, state: DriftState, agent: int) -> dict[str, Any]:
        """Shown: persona text, scale, items or dilemma and group messages. Private (adapter's
        `private_fields`): agent index, form code, intended profile, value codes, memory."""
        kind, n = self._phase(state)
        text, profile = self._persona(state, agent)
        obs: dict[str, Any] = {
            "task": self.name, "agent": agent, "form": state.form,
            "persona": text, "profile": profile, "scale": list(SCALE),
        }
        if kind == "sit":
            obs["sitting"] = n
            obs["items"] = [{"id": i.id, "text": i.text} for i in questionnaire()]
            obs["item_keys"] = {i.id: VALUE_CODES[i.value] for i in questionnaire()}
            obs["recent"] = [dict(h) for h in state.heard[agent]]
            return obs
        d = dilemmas()[self._dilemma(state, n)]
        group = next(g for g in self.groups(state.seed, n) if agent in g)
        obs["round"] = n
        obs["dilemma"] = {"text": d.text, "first": d.first, "second": d.second}
        obs["dilemma_key"] = VALUE_CODES[d.value]
        obs["group"] = [
            {"member": i + 1, "stance": r["stance"], "message": r["message"]}
            for i, r in enumerate(self._read(state, agent, group, d.id))
        ]
        own = state.latest[agent]  # the agent's own history: what it said about this dilemma
        obs["own"] = ({"stance": own["stance"], "message": own["message"]}
                      if own is not None and own["dilemma"] == d.id else None)
        return obs

    def step(self, state: DriftState, actions: dict[int, Action]) -> StepResult[DriftState]:
        kind, n = self._phase(state)
        p = self.params
        if kind == "sit":
            answers = [actions.get(a) for a in range(p.n_agents)]
            record = {"kind": "sit", "sitting": n,
                      "answers": [dict(x) if isinstance(x, dict) else None for x in answers]}
            return StepResult(replace(state, step=state.step + 1), record)
        d = dilemmas()[self._dilemma(state, n)]
        key = VALUE_CODES[d.value]
        heard = list(state.heard)
        for group in self.groups(state.seed, n):
            for a in group:
                read = self._read(state, a, group, d.id)
                if read:
                    entry = {"key": read[0]["key"], "stances": [int(r["stance"]) for r in read]}
                    heard[a] = (heard[a] + (entry,))[-p.memory :]
        latest: list[dict[str, Any] | None] = []
        stances: list[int | None] = []
        for a in range(p.n_agents):
            act = actions.get(a)
            if isinstance(act, dict) and "stance" in act:
                text = str(act.get("message", ""))[: p.message_chars]
                latest.append({"dilemma": d.id, "key": key, "stance": int(act["stance"]),
                               "message": text})
                stances.append(int(act["stance"]))
            else:
                latest.append(None)
                stances.append(None)
        record = {"kind": "talk", "round": n, "dilemma": d.id, "key": key,
                  "groups": self.groups(state.seed, n), "stances": stances}
        new = replace(state, step=state.step + 1, latest=tuple(latest), heard=tuple(heard))
        return StepResult(new, record)

    def max_decisions(self) -> int:
        """Every agent answers at each sitting and talk round."""
        return len(schedule(self.params.rounds)) * self.params.n_agents

    def is_over(self, state: DriftState) -> bool:
        return state.step >= len(schedule(self.params.rounds))

    def summary(self, state: DriftState) -> dict[str, Any]:
        bank = personas()
        return {
            "n_agents": self.params.n_agents,
            "rounds": self.params.rounds,
            "values": list(VALUES),
            "items": {i.id: i.value for i in questionnaire()},
            "personas": [bank[i].id if i >= 0 else None for i in state.persona_of],
            "intended": [list(bank[i].profile) if i >= 0 else None for i in state.persona_of],
        }
