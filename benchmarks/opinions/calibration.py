"""Calibration of the opinions family: Deffuant's cluster counts under the direct driver.

Deffuant et al. (2000): with N = 1000 opinions uniform on [0, 1], random pairwise encounters and
mu = 0.5, the population ends in about floor(1 / (2 eps)) major clusters, and in consensus for
eps >= 0.5. `cbench calibrate opinions` reproduces this with `deffuant.DeffuantModel` and the
family's own cluster metric (`scorers.polarization.major_clusters`), so the metric that counts
clusters in LLM populations is checked against the textbook result.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from benchmarks.opinions.deffuant import DeffuantModel
from benchmarks.registry import Calibration
from collective_bench.driver_direct import run_direct
from collective_bench.errors import UserError
from collective_bench.seeds import derive_seed
from scorers.polarization import MIN_CLUSTER_SHARE, major_clusters

CLUSTER_GAP = 0.01
"""On [0, 1], opinions closer than this belong to one cluster (settled clusters are points)."""


def final_clusters(n_agents: int, eps: float, mu: float, seed: int) -> int:
    """Major clusters (>= 10% of agents) once one Deffuant run has settled."""
    trajectory = run_direct(DeffuantModel(n_agents, eps, mu), seed, lambda _agent: _no_policy,
                            keep_steps=False)
    return major_clusters(trajectory.summary["opinions"], CLUSTER_GAP, MIN_CLUSTER_SHARE)


def _no_policy(observation: dict[str, Any], rng: Any) -> None:
    """Never called: the model's rule is the whole dynamics (no agent acts)."""
    return None


def calibrate_deffuant(
    epsilons: list[float], n_agents: int = 1000, runs: int = 10, seed: int = 0, mu: float = 0.5
) -> dict[str, Any]:
    """Mean number of major clusters per eps, next to the floor(1 / (2 eps)) prediction."""
    means = []
    for eps in epsilons:
        counts = [final_clusters(n_agents, eps, mu, derive_seed("calibrate-opinions", seed, eps, r))
                  for r in range(runs)]
        means.append(float(np.mean(counts)))
    return {
        "epsilons": list(epsilons),
        "major_clusters": means,
        "predicted": [max(1, math.floor(1 / (2 * e) + 1e-9)) for e in epsilons],
        "n": n_agents,
        "runs": runs,
        "mu": mu,
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
    parser.add_argument("--n", type=int, default=1000, help="population size")
    parser.add_argument("--runs", type=int, default=10, help="runs per epsilon")
    parser.add_argument("--mu", type=float, default=0.5, help="convergence parameter")
    parser.add_argument("--seed", type=int, default=0)


def run_from_args(args: Any) -> dict[str, Any]:
    epsilons = _csv_floats(args.epsilons)
    if args.n < 10:
        raise UserError(f"--n must be at least 10, got {args.n}")
    if args.runs < 1:
        raise UserError(f"--runs must be at least 1, got {args.runs}")
    if not 0 < args.mu <= 0.5:
        raise UserError(f"--mu must be in (0, 0.5], got {args.mu}")
    return calibrate_deffuant(epsilons, args.n, args.runs, args.seed, args.mu)


def render(result: dict[str, Any]) -> str:
    lines = [f"{'eps':>6} {'major clusters':>15} {'floor(1/2eps)':>14}"]
    for eps, got, want in zip(result["epsilons"], result["major_clusters"], result["predicted"],
                              strict=True):
        lines.append(f"{eps:>6.3f} {got:>15.2f} {want:>14d}")
    lines.append(f"N={result['n']}, mu={result['mu']}, {result['runs']} runs per eps "
                 "(Deffuant et al. 2000)")
    return "\n".join(lines)


CALIBRATION = Calibration(
    name="opinions",
    summary="Deffuant bounded confidence (2000): about floor(1/(2 eps)) major clusters",
    add_arguments=add_arguments,
    run=run_from_args,
    render=render,
)
