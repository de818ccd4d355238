"""Calibration: the naming-game TASK's Game, played by scripted minimal-naming-game agents.

Baronchelli et al. (2006): in the minimal naming game on a well-mixed population of N agents,
the convergence time, the peak total number of words and the time of that peak all grow as
N^1.5 (convergence at about 1.3-1.6 N^1.5 interactions for large N). Here the interactions are
drawn, paired, stepped and scored by `NamingGame` itself (schedule `pairs`, the benchmark's
default), under the direct driver; only the agents are scripted. If the exponents come out at
1.5, the Game's pairing, seeding, stepping and consensus detection are sound.

The minimal game's speaker/hearer asymmetry is played inside the Game's simultaneous move: the
pair is drawn speaker first (as the Game draws it), the speaker names a word of its inventory
(a fresh word when empty), and the hearer names the same word exactly when its inventory holds
it, otherwise some other word. So the Game's success flag is the minimal game's success. The
inventories live in the scripted agents (updated from each step's record), never in the Game.
Words are the Game's labels; W = N suffices, since only an empty speaker invents.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from collective_bench.benchmarks.conventions.game import NamingGame, NamingParams
from collective_bench.driver_direct import run_direct
from collective_bench.errors import UserError
from collective_bench.registry import Calibration
from collective_bench.seeds import derive_seed


@dataclass
class MinimalAgents:
    """The inventories of N minimal-naming-game agents, and their two policies."""

    n_agents: int
    inventories: list[list[int]] = field(default_factory=list)
    next_word: int = 0
    spoken: int = -1
    total_words: int = 0
    peak_words: int = 0
    peak_time: int = 0
    converged_at: int | None = None

    def __post_init__(self) -> None:
        self.inventories = [[] for _ in range(self.n_agents)]

    def speaker(self, observation: dict[str, Any], rng: random.Random) -> str:
        inventory = self.inventories[observation["agent"]]
        if not inventory:
            inventory.append(self.next_word)
            self.next_word += 1
            self.total_words += 1
        self.spoken = rng.choice(inventory)
        return str(observation["labels"][self.spoken])

    def hearer(self, observation: dict[str, Any], rng: random.Random) -> str:
        labels = observation["labels"]
        if self.spoken in self.inventories[observation["agent"]]:
            return str(labels[self.spoken])
        return str(labels[(self.spoken + 1) % len(labels)])

    def update(self, record: dict[str, Any]) -> None:
        """The minimal game's rule, applied to the step the Game just recorded."""
        (s, h), ok, t = record["pairs"][0], record["ok"][0], record["t"]
        word = record["act"][s]
        if ok:
            self.total_words -= len(self.inventories[s]) + len(self.inventories[h]) - 2
            self.inventories[s] = [word]
            self.inventories[h] = [word]
        else:
            self.inventories[h].append(word)
            self.total_words += 1
        if self.total_words > self.peak_words:
            self.peak_words, self.peak_time = self.total_words, t
        if self.converged_at is None and self.total_words == self.n_agents and ok and all(
            inv == [word] for inv in self.inventories
        ):
            self.converged_at = t


@dataclass(frozen=True)
class MinimalRun:
    convergence_time: int
    """The Game's own consensus: the interaction ending the first run of 3N successes (what the
    task measures; in the minimal game it is within 3N interactions of global agreement, or
    just before a last straggler aligns)."""
    agreement_at: int | None
    """Interactions until every inventory was the same single word, if that came first."""
    peak_words: int
    peak_time: int


def run_minimal(n_agents: int, seed: int) -> MinimalRun:
    """One minimal naming game, played through NamingGame, to the Game's consensus."""
    agents = MinimalAgents(n_agents)
    game = NamingGame(NamingParams(
        n_agents=n_agents, n_labels=n_agents, memory=1, max_rounds=100 * n_agents,
        shuffle=False,
    ))
    state = game.initial_state(seed)

    def policy_for(agent: int) -> Any:
        speaker = game.acting_agents(holder[0])[0]
        return agents.speaker if agent == speaker else agents.hearer

    holder = [state]

    def track(new_state: Any, record: dict[str, Any]) -> None:
        agents.update(record)
        holder[0] = new_state

    trajectory = run_direct(game, seed, policy_for, track, keep_steps=False)
    if trajectory.summary["consensus_at"] is None:
        raise RuntimeError(f"the minimal naming game did not converge at N={n_agents}")
    return MinimalRun(int(trajectory.summary["consensus_at"]), agents.converged_at,
                      agents.peak_words, agents.peak_time)


def fit_exponent(sizes: Sequence[float], values: Sequence[float]) -> float:
    """Slope of log(value) against log(size): the scaling exponent."""
    slope, _ = np.polyfit(np.log(sizes), np.log(values), 1)
    return float(slope)


def calibrate_naming(sizes: Sequence[int], runs: int, seed: int = 0) -> dict[str, Any]:
    """Mean convergence time, peak words and peak time per size, and their exponents."""
    keys = ("convergence_time", "peak_words", "peak_time")
    means: dict[str, list[float]] = {k: [] for k in keys}
    for n in sizes:
        results = [run_minimal(n, derive_seed("calibrate-naming", seed, n, r)) for r in range(runs)]
        for k in keys:
            means[k].append(float(np.mean([getattr(r, k) for r in results])))
    return {
        "sizes": list(sizes),
        **means,
        "exponents": {k: fit_exponent(sizes, means[k]) for k in keys},
        "convergence_time_over_n15": [
            c / n**1.5 for c, n in zip(means["convergence_time"], sizes, strict=True)],
    }


def _csv_ints(text: str) -> list[int]:
    try:
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise UserError(f"--sizes expects comma-separated ints, got {text!r}") from None


def add_arguments(parser: Any) -> None:
    parser.add_argument("--sizes", default="64,128,256,512", help="population sizes")
    parser.add_argument("--runs", type=int, default=8, help="runs per size")
    parser.add_argument("--seed", type=int, default=0)


def run_from_args(args: Any) -> dict[str, Any]:
    sizes = _csv_ints(args.sizes)
    if len(sizes) < 2 or min(sizes) < 4:
        raise UserError("--sizes needs at least two population sizes >= 4, e.g. 64,128,256")
    if args.runs < 1:
        raise UserError(f"--runs must be at least 1, got {args.runs}")
    result = calibrate_naming(sizes, args.runs, args.seed)
    return {k: result[k] for k in (
        "sizes", "convergence_time", "peak_words", "peak_time", "exponents")}


def render(result: dict[str, Any]) -> str:
    lines = [f"{'N':>6} {'t_conv':>10} {'t_conv/N^1.5':>13} {'peak words':>11} {'t_peak':>9}"]
    for i, n in enumerate(result["sizes"]):
        lines.append(
            f"{n:>6} {result['convergence_time'][i]:>10.1f} "
            f"{result['convergence_time'][i] / n**1.5:>13.2f} "
            f"{result['peak_words'][i]:>11.1f} {result['peak_time'][i]:>9.1f}"
        )
    e = result["exponents"]
    lines.append(
        f"exponents: convergence {e['convergence_time']:.3f}, peak words {e['peak_words']:.3f}, "
        f"peak time {e['peak_time']:.3f} (theory: 1.5)"
    )
    return "\n".join(lines)


CALIBRATION = Calibration(
    name="naming",
    summary="NamingGame with minimal-naming-game agents (Baronchelli et al. 2006): N^1.5 laws",
    add_arguments=add_arguments,
    run=run_from_args,
    render=render,
)
