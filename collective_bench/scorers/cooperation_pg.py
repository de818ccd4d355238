"""Metrics of the public goods tasks (with and without costly punishment).

- contribution rate: mean valid contribution / endowment (invalid answers are not contributions
  and are reported in invalid_rate instead).
- contribution slope: OLS slope of the per-round contribution rate against the round; the
  decay of contributions over rounds is the field's classic result (Ledyard, 1995).
- normalized welfare: (mean earnings per agent-round - E) / (E * (r - 1)): 0 when nobody
  contributes (the equilibrium), 1 under full contribution; deductions lower it.
- punishment rate: share of valid deduction decisions that give any point; antisocial
  punishment: share of points given to members who put in at least as much as the giver
  (Herrmann, Thoeni & Gaechter, Science 2008).
- group-size effect: contribution rate at the largest group size minus at the smallest.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from collective_bench.scorers.common import invalid_rate
from collective_bench.scorers.cooperation import decay_slope, normalized_welfare, rate
from collective_bench.scorers.stats import Estimate, bootstrap


def pg_episode_metrics(
    summary: Mapping[str, Any], steps: Sequence[Mapping[str, Any]], asked: int, invalid: int
) -> dict[str, float]:
    endowment, n = float(summary["endowment"]), int(summary["group_size"])
    r = float(summary["multiplier"])
    per_round: list[float] = []
    pays: list[float] = []
    punished: list[bool] = []
    points_total = antisocial = 0
    for s in steps:
        if s["phase"] == "contribute":
            valid = [c for c in s["contrib"] if c >= 0]
            per_round.append(float(np.mean(valid)) / endowment if valid else math.nan)
        if "pay" in s:
            pays += list(s["pay"])
        if s["phase"] == "punish":
            contrib = s["contrib"]
            for group in s["groups"]:
                for giver in group:
                    vec = s["points"][giver]
                    if vec is None:
                        continue
                    punished.append(any(vec))
                    others = [a for a in group if a != giver]
                    for target, k in zip(others, vec, strict=True):
                        points_total += k
                        if k and max(0, contrib[target]) >= max(0, contrib[giver]):
                            antisocial += k
    valid_rounds = [x for x in per_round if not math.isnan(x)]
    out = {
        "contribution_rate": float(np.mean(valid_rounds)) if valid_rounds else math.nan,
        "contribution_slope": decay_slope(per_round),
        "normalized_welfare": (
            normalized_welfare(float(np.mean(pays)), endowment, endowment * r) if pays
            else math.nan),
        "invalid_rate": invalid_rate(asked, invalid),
        "group_size": float(n),
    }
    if summary.get("punish"):
        out["punishment_rate"] = rate(punished)
        out["antisocial_punishment"] = antisocial / points_total if points_total else math.nan
    return out


def _size_effect(sizes: np.ndarray, rates: np.ndarray) -> float:
    big, small = sizes.max(), sizes.min()
    if big == small:
        return math.nan
    return float(np.mean(rates[sizes == big]) - np.mean(rates[sizes == small]))


def group_size_effect(sizes: Sequence[float], rates: Sequence[float]) -> Estimate:
    """Largest-minus-smallest group size contribution rate, bootstrapped over episodes."""
    return bootstrap([sizes, rates], _size_effect)
