"""Rules of the repeated prisoner's dilemma in a population, and its scripted-partners variant.

Population (`repeated_pd`): every round all N agents are paired by a random perfect matching and
each pair plays one simultaneous PD with T=5, R=3, P=1, S=0. The number of rounds is not told.
Each agent remembers its last H encounters with each partner (shown for the current partner)
and its own last H rounds overall, so the prompt size does not grow with the round.

Partners (`repeated_pd_partners`): the model plays agents 0-3, each paired for the whole episode
with one scripted partner (tit-for-tat, grim trigger, alternator, one defection then
cooperation); the partners' moves are `fixed_actions`, like committed agents in the naming game.

Moves are shown as two neutral random labels per episode (in a per-episode random order). An
invalid answer is neither move: its author earns 0 and its partner is paid as if it had
defected (S for a cooperator, P for a defector); scripted partners also read it as defection.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field, replace
from typing import Any

from collective_bench.benchmarks.cooperation.commons import episode_tag
from collective_bench.errors import UserError
from collective_bench.game import Action, StepResult
from collective_bench.seeds import rng_for
from collective_bench.topology import random_perfect_matching

TASK_NAME = "exchange"
"""Neutral id written into observations."""
T, R, P, S = 5, 3, 1, 0
C, D, INVALID = 1, 0, -1
PARTNER_KINDS = ("tit_for_tat", "grim_trigger", "alternator", "one_defection")
ONE_DEFECTION_ROUND = 3
"""The round in which the `one_defection` partner defects (cooperation is established first)."""


@dataclass(frozen=True)
class PDParams:
    n_agents: int = 8
    rounds: int = 10
    memory: int = 5
    partners: bool = False
    n_focal: int | None = None

    def __post_init__(self) -> None:
        if self.partners and self.n_agents != 2 * len(PARTNER_KINDS):
            raise UserError(f"the partners variant has {2 * len(PARTNER_KINDS)} agents")
        if self.n_agents < 2 or self.n_agents % 2:
            raise UserError(f"n_agents must be an even number >= 2, got {self.n_agents}")
        if self.rounds < 1:
            raise UserError(f"rounds must be at least 1, got {self.rounds}")
        if self.memory < 1:
            raise UserError(f"memory must be at least 1, got {self.memory}")


Encounter = tuple[int, int, int, int]
"""(round, own move, partner's move, own payoff), moves as C / D / INVALID."""


@dataclass
class PDState:
    round: int
    seed: int
    labels: tuple[str, str]
    """(cooperate label, defect label)."""
    order: tuple[str, str]
    """The order in which the two labels are shown."""
    pairs: tuple[tuple[int, int], ...]
    with_partner: dict[tuple[int, int], tuple[Encounter, ...]] = field(default_factory=dict)
    """(agent, partner) -> the agent's last H encounters with that partner."""
    recent: tuple[tuple[tuple[int, Encounter], ...], ...] = ()
    """Per agent: its last H rounds overall, as (partner, encounter)."""
    triggered: frozenset[int] = frozenset()
    """Scripted grim-trigger partners that have seen a non-cooperative move."""
    counts: dict[tuple[int, int], tuple[int, int, int]] = field(default_factory=dict)
    """(agent, partner) -> how often, over ALL their encounters, the partner played C, D and
    no valid move towards the agent: what a participant knows of its whole history with a
    partner even beyond the remembered window (a grim trigger needs it never to forget)."""


def payoff(own: int, other: int) -> int:
    """Own payoff; an invalid own move earns 0, an invalid partner move pays like a defection."""
    if own == INVALID:
        return 0
    other = D if other == INVALID else other
    return {(C, C): R, (C, D): S, (D, C): T, (D, D): P}[(own, other)]


def _labels(seed: int) -> tuple[tuple[str, str], tuple[str, str]]:
    rng = rng_for("pd-labels", seed)
    words: list[str] = []
    while len(words) < 2:
        word = "".join(rng.choice(string.ascii_uppercase) for _ in range(4))
        if word not in words:
            words.append(word)
    labels = (words[0], words[1])
    order = labels if rng.random() < 0.5 else (labels[1], labels[0])
    return labels, order


@dataclass(frozen=True)
class PDGame:
    """The Game (see collective_bench.game.Game) of both repeated-PD tasks."""

    params: PDParams
    name: str = TASK_NAME

    @property
    def n_players(self) -> int:
        """Agents a model plays: all of them, or the first half in the partners variant."""
        p = self.params
        return p.n_agents // 2 if p.partners else p.n_agents

    def kind_of(self, agent: int) -> str | None:
        """The scripted kind of a partners-variant agent (None for a model-played agent)."""
        if not self.params.partners or agent < self.n_players:
            return None
        return PARTNER_KINDS[agent - self.n_players]

    def _pairs(self, seed: int, round_no: int) -> tuple[tuple[int, int], ...]:
        if self.params.partners:
            return tuple((a, a + self.n_players) for a in range(self.n_players))
        rng = rng_for("pd-pairs", seed, round_no)
        return tuple(random_perfect_matching(range(self.params.n_agents), rng))

    def initial_state(self, seed: int) -> PDState:
        labels, order = _labels(seed)
        return PDState(round=0, seed=seed, labels=labels, order=order,
                       pairs=self._pairs(seed, 0),
                       recent=tuple(() for _ in range(self.params.n_agents)))

    def acting_agents(self, state: PDState) -> list[int]:
        return list(range(self.n_players))

    def partner_of(self, state: PDState, agent: int) -> int:
        for a, b in state.pairs:
            if agent in (a, b):
                return b if agent == a else a
        raise KeyError(agent)

    def fixed_actions(self, state: PDState) -> dict[int, Action]:
        out: dict[int, Action] = {}
        for agent in range(self.n_players, self.params.n_agents):
            out[agent] = self._scripted_move(state, agent)
        return out

    def _scripted_move(self, state: PDState, agent: int) -> str:
        kind = self.kind_of(agent)
        seen = state.with_partner.get((agent, self.partner_of(state, agent)), ())
        round_no = state.round + 1
        if kind == "tit_for_tat":
            move = C if not seen or seen[-1][2] == C else D
        elif kind == "grim_trigger":
            move = D if agent in state.triggered else C
        elif kind == "alternator":
            move = C if round_no % 2 else D
        else:
            move = D if round_no == ONE_DEFECTION_ROUND else C
        return state.labels[0] if move == C else state.labels[1]

    def observe(self, state: PDState, agent: int) -> dict[str, Any]:
        name = {C: state.labels[0], D: state.labels[1], INVALID: None}
        partner = self.partner_of(state, agent)
        first, second = state.order
        return {
            "task": self.name,
            "agent": agent,
            "game": episode_tag(state.seed),
            "round": state.round + 1,
            "options": [first, second],
            "payoffs": [
                {"you": y, "partner": o, "you_get": payoff(self._move(state, y),
                                                           self._move(state, o)),
                 "partner_gets": payoff(self._move(state, o), self._move(state, y))}
                for y in (first, second) for o in (first, second)
            ],
            "you": f"player {agent + 1}",
            "partner": f"player {partner + 1}",
            "window": self.params.memory,
            "partner_total": dict(zip(
                (first, second, "invalid"),
                self._ordered_counts(state, agent, partner), strict=True)),
            "with_partner": [
                {"round": r, "you": name[m], "partner": name[o], "you_got": pay}
                for r, m, o, pay in state.with_partner.get((agent, partner), ())
            ],
            "recent": [
                {"round": r, "partner": f"player {q + 1}", "you": name[m], "them": name[o],
                 "you_got": pay}
                for q, (r, m, o, pay) in state.recent[agent]
            ],
        }

    @staticmethod
    def _ordered_counts(state: PDState, agent: int, partner: int) -> tuple[int, int, int]:
        """The partner's (C, D, invalid) counts towards the agent, in the shown label order."""
        c, d, bad = state.counts.get((agent, partner), (0, 0, 0))
        return (c, d, bad) if state.order[0] == state.labels[0] else (d, c, bad)

    @staticmethod
    def _move(state: PDState, label: Any) -> int:
        if label == state.labels[0]:
            return C
        return D if label == state.labels[1] else INVALID

    def step(self, state: PDState, actions: dict[int, Action]) -> StepResult[PDState]:
        p = self.params
        moves = [self._move(state, actions.get(a)) for a in range(p.n_agents)]
        pays = [0] * p.n_agents
        with_partner = dict(state.with_partner)
        recent = list(state.recent)
        triggered = set(state.triggered)
        counts = dict(state.counts)
        round_no = state.round + 1
        for a, b in state.pairs:
            for me, other in ((a, b), (b, a)):
                pays[me] = payoff(moves[me], moves[other])
                enc = (round_no, moves[me], moves[other], pays[me])
                with_partner[(me, other)] = (with_partner.get((me, other), ()) + (enc,))[
                    -p.memory:]
                recent[me] = (recent[me] + ((other, enc),))[-p.memory:]
                c, d, bad = counts.get((me, other), (0, 0, 0))
                counts[(me, other)] = (c + (moves[other] == C), d + (moves[other] == D),
                                       bad + (moves[other] == INVALID))
                if self.kind_of(me) == "grim_trigger" and moves[other] != C:
                    triggered.add(me)
        record = {
            "round": round_no,
            "pairs": [list(pair) for pair in state.pairs],
            "act": moves,
            "pay": pays,
        }
        new = replace(state, round=round_no, pairs=self._pairs(state.seed, round_no),
                      with_partner=with_partner, recent=tuple(recent),
                      triggered=frozenset(triggered), counts=counts)
        return StepResult(new, record)

    def max_decisions(self) -> int:
        """Every player moves each round."""
        return self.params.rounds * self.n_players

    def is_over(self, state: PDState) -> bool:
        return state.round >= self.params.rounds

    def summary(self, state: PDState) -> dict[str, Any]:
        p = self.params
        return {
            "n_agents": p.n_agents,
            "rounds": p.rounds,
            "players": list(range(self.n_players)),
            "kinds": {str(a): self.kind_of(a) for a in range(self.n_players, p.n_agents)},
            "payoffs": {"T": T, "R": R, "P": P, "S": S},
        }
