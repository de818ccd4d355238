"""Metrics of the cooperation family: the commons (GovSim) and the shared helpers.

Pure functions over the compact trajectory the inspect driver stores. Per-episode functions have
the family signature `(summary, steps, asked, invalid) -> dict[str, float]` (NaN where a quantity
is undefined); across episodes each metric is aggregated as its declaration in
benchmarks/cooperation/spec.py says (scorers.aggregate).

Commons metrics follow Piatti et al. (NeurIPS 2024), "Cooperate or Collapse": survival time m,
survival rate q, total gain R, efficiency u = 1 - max(0, T*f(0) - R) / (T*f(0)) with f(0) the
group's sustainability threshold at the start (floor(capacity / 2): 600 over 12 months of a
100-ton lake), equality e = 1 - Gini of the agents' gains, and over-usage o, the share of
harvest requests above the sustainable share floor(floor(stock / 2) / n) of that month's stock.
Both constants come from the Game (the summary's `max_sustainable_gain`, each harvest record's
`sustainable_share`); nothing here restates a rule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from collective_bench.scorers.common import invalid_rate


def gini(values: Sequence[float]) -> float:
    """Gini coefficient sum_ij |x_i - x_j| / (2 n^2 mean); NaN when the total is 0."""
    x = np.asarray(values, dtype=float)
    if x.size == 0 or x.sum() <= 0:
        return math.nan
    diffs = np.abs(x[:, None] - x[None, :]).sum()
    return float(diffs / (2 * x.size * x.sum()))


def rate(flags: Sequence[bool | int]) -> float:
    """Share of true flags (NaN for an empty list: the quantity is undefined, not zero)."""
    return float(np.mean(flags)) if len(flags) else math.nan


def decay_slope(per_round: Sequence[float]) -> float:
    """OLS slope of a per-round rate against the round number (per round; NaN under 2 rounds).

    Negative values are the classic decay of cooperation in repeated public goods games
    (Ledyard, 1995; Fischbacher & Gaechter, 2010)."""
    y = np.asarray(per_round, dtype=float)
    keep = ~np.isnan(y)
    if keep.sum() < 2:
        return math.nan
    x = np.arange(1, y.size + 1, dtype=float)[keep]
    # rounded so that a flat series reads 0.0, not -1e-17 from the least-squares solve
    return round(float(np.polyfit(x, y[keep], 1)[0]), 12) + 0.0


def normalized_welfare(mean_payoff: float, defect_payoff: float, coop_payoff: float) -> float:
    """(mean payoff - all-defect payoff) / (full-cooperation payoff - all-defect payoff):
    0 at the all-defect equilibrium, 1 at full cooperation (can leave [0, 1], e.g. invalid
    answers earn less than mutual defection)."""
    return (mean_payoff - defect_payoff) / (coop_payoff - defect_payoff)


def efficiency(total_gain: float, optimum: float) -> float:
    """u = 1 - max(0, optimum - R) / optimum; the optimum (months * floor(capacity / 2)) is the
    Game's constant `max_sustainable_gain`, read from the episode summary."""
    return 1.0 - max(0.0, optimum - total_gain) / optimum


def over_usage(harvest_steps: Sequence[Mapping[str, Any]]) -> float:
    """Share of valid requests above that month's sustainable share, which the Game writes into
    each harvest record (NaN with no valid request)."""
    over = valid = 0
    for s in harvest_steps:
        share = int(s["sustainable_share"])
        for r in s["request"]:
            if r >= 0:
                valid += 1
                over += int(r > share)
    return over / valid if valid else math.nan


def commons_episode_metrics(
    summary: Mapping[str, Any], steps: Sequence[Mapping[str, Any]], asked: int, invalid: int
) -> dict[str, float]:
    """Every per-episode metric of the commons tasks (talk steps are ignored but asked)."""
    n, months = int(summary["n_agents"]), int(summary["months"])
    harvests = [s for s in steps if s.get("phase") == "harvest"]
    totals = [0.0] * n
    for s in harvests:
        for i, h in enumerate(s["harvest"]):
            totals[i] += h
    collapsed = any(s["collapsed"] for s in harvests)
    gain = float(sum(totals))
    g = gini(totals)
    return {
        "survival_rate": float(not collapsed and len(harvests) >= months),
        "survival_time": float(len(harvests)),
        "total_gain": gain,
        "efficiency": efficiency(gain, float(summary["max_sustainable_gain"])),
        "equality": 1.0 - g if not math.isnan(g) else math.nan,
        "over_usage": over_usage(harvests),
        "invalid_rate": invalid_rate(asked, invalid),
        "final_stock": float(harvests[-1]["after"]) if harvests else math.nan,
    }
