"""Calibration of the opinions family: the opinion_dynamics task's own Game against Deffuant.

Deffuant et al. (2000): with opinions uniform on [0, 1], random encounters and mu = 0.5, the
population ends in about floor(1 / (2 eps)) major clusters, and in consensus for eps >= 0.5.
`cbench calibrate opinions` runs the task's Game (`game.OpinionGame`: the graph, the shown
neighbours, the simultaneous rounds, the step rule that scores LLM populations) under the direct
driver, with every agent the task's scripted Deffuant agent (`policies.bounded_confidence`), and
counts clusters with the task's own metric (`collective_bench.scorers.polarization.major_clusters`).

What differs from the 2000 paper, and why: the Game's positions live on the 7-point scale, so
the calibration uses its continuous mode (positions real in [-3, 3], never shown to a model;
eps and the cluster gap are rescaled by the scale's range, 6); each round every agent meets one
random neighbour among those shown and moves toward it (asymmetric, simultaneous: the task's
round), where the paper moves both ends of one random pair at a time. The cluster-count result
is known to hold for such variants (Weisbuch, Deffuant, Amblard & Nadal, Complexity 2002).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from collective_bench.benchmarks.opinions.game import HI, LO, OpinionGame, OpinionParams
from collective_bench.benchmarks.opinions.policies import bounded_confidence
from collective_bench.driver_direct import run_direct
from collective_bench.errors import UserError
from collective_bench.registry import Calibration
from collective_bench.scorers.polarization import MIN_CLUSTER_SHARE, major_clusters
from collective_bench.seeds import derive_seed

RANGE = HI - LO
CLUSTER_GAP = 0.01
"""On [0, 1], opinions closer than this belong to one cluster (settled clusters are points)."""


def final_clusters(n_agents: int, eps: float, mu: float, seed: int, rounds: int) -> int:
    """Major clusters (>= 10% of agents) after `rounds` rounds of the task's Game."""
    game = OpinionGame(OpinionParams(
        n_agents=n_agents, max_rounds=rounds, topology="complete", degree=n_agents - 1,
        continuous=True,
    ))
    policy = functools.partial(bounded_confidence, eps=eps * RANGE, mu=mu)
    trajectory = run_direct(game, seed, lambda _agent: policy, keep_steps=False)
    final = trajectory.summary["final_opinions"]
    return major_clusters(final, CLUSTER_GAP * RANGE, MIN_CLUSTER_SHARE)


def calibrate_deffuant(
    epsilons: list[float], n_agents: int = 200, runs: int = 5, seed: int = 0, mu: float = 0.5,
    rounds: int = 150,
) -> dict[str, Any]:
    """Mean number of major clusters per eps, next to the floor(1 / (2 eps)) prediction."""
    means = []
    for eps in epsilons:
        counts = [final_clusters(n_agents, eps, mu,
                                 derive_seed("calibrate-opinions", seed, eps, r), rounds)
                  for r in range(runs)]
        means.append(float(np.mean(counts)))
    return {
        "epsilons": list(epsilons),
        "major_clusters": means,
        "predicted": [max(1, math.floor(1 / (2 * e) + 1e-9)) for e in epsilons],
        "n": n_agents,
        "runs": runs,
        "rounds": rounds,
        "mu": mu,
        "game": "opinion_dynamics (OpinionGame, complete graph, continuous mode)",
    }


def _csv_floats(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise UserError(f"--epsilons expects comma-separated numbers, got {text!r}") from None
    if not values or any(not 0 < v <= 1 for v in values):
        raise UserError(f"--epsilons needs numbers in (0, 1], got {text!r}")
    return values


def add_arguments(parser: Any) -> None:
    parser.add_argument("--epsilons", default="0.15,0.2,0.25,0.3", help="confidence bounds")
    parser.add_argument("--n", type=int, default=200, help="population size")
    parser.add_argument("--runs", type=int, default=5, help="runs per epsilon")
    parser.add_argument("--rounds", type=int, default=150, help="rounds per run")
    parser.add_argument("--mu", type=float, default=0.5, help="convergence parameter")
    parser.add_argument("--seed", type=int, default=0)


def run_from_args(args: Any) -> dict[str, Any]:
    epsilons = _csv_floats(args.epsilons)
    if args.n < 10:
        raise UserError(f"--n must be at least 10, got {args.n}")
    if args.runs < 1:
        raise UserError(f"--runs must be at least 1, got {args.runs}")
    if args.rounds < 1:
        raise UserError(f"--rounds must be at least 1, got {args.rounds}")
    if not 0 < args.mu <= 0.5:
        raise UserError(f"--mu must be in (0, 0.5], got {args.mu}")
    return calibrate_deffuant(epsilons, args.n, args.runs, args.seed, args.mu, args.rounds)


def render(result: dict[str, Any]) -> str:
    lines = [f"{'eps':>6} {'major clusters':>15} {'floor(1/2eps)':>14}"]
    for eps, got, want in zip(result["epsilons"], result["major_clusters"], result["predicted"],
                              strict=True):
        lines.append(f"{eps:>6.3f} {got:>15.2f} {want:>14d}")
    lines.append(f"N={result['n']}, mu={result['mu']}, {result['runs']} runs of "
                 f"{result['rounds']} rounds per eps, on {result['game']} (Deffuant et al. 2000)")
    return "\n".join(lines)


CALIBRATION = Calibration(
    name="opinions",
    summary="opinion_dynamics' Game with Deffuant agents: about floor(1/(2 eps)) major clusters",
    add_arguments=add_arguments,
    run=run_from_args,
    render=render,
)
