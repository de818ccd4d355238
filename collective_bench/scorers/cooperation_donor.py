"""Metrics of the donor game with cultural evolution (after Vallinder & Hughes, 2024).

Their headline is the average final resources of each generation: whether generation after
generation of agents, each told the survivors' strategies, learns to give (resources grow, as
every unit given is doubled) or not (resources stay at the start value).

- final_resources: mean over generations of the mean final resources of the generation.
- final_resources_first / final_resources_last: the first and the last generation's value.
- resources_slope: OLS slope of the per-generation value against the generation.
- donation_rate: mean valid donation percent / 100 (invalid answers give nothing and are
  counted in invalid_rate, not here).
Per-generation values are also kept in the episode's score as `final_resources_g<k>`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from collective_bench.scorers.common import invalid_rate
from collective_bench.scorers.cooperation import decay_slope


def generation_finals(steps: Sequence[Mapping[str, Any]]) -> list[float]:
    """Mean resources at the end of each generation (the step that names its survivors)."""
    return [float(np.mean(s["resources"])) for s in steps if "survivors" in s]


def donor_episode_metrics(
    summary: Mapping[str, Any], steps: Sequence[Mapping[str, Any]], asked: int, invalid: int
) -> dict[str, float]:
    finals = generation_finals(steps)
    percents = [p for s in steps if s.get("phase") == "donate" for p in s["percent"] if p >= 0]
    out = {
        "final_resources": float(np.mean(finals)) if finals else math.nan,
        "final_resources_first": finals[0] if finals else math.nan,
        "final_resources_last": finals[-1] if finals else math.nan,
        "resources_slope": decay_slope(finals),
        "donation_rate": float(np.mean(percents)) / 100 if percents else math.nan,
        "invalid_rate": invalid_rate(asked, invalid),
    }
    out.update({f"final_resources_g{k + 1}": v for k, v in enumerate(finals)})
    return out
