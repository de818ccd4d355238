"""Metrics of the conventions family (naming game, committed minority).

Per-episode quantities come from the compact trajectory: each round's pairs, the label index each
agent named (-1 for an invalid answer) and each pair's success. Across-episode quantities
(collective bias, critical fraction) are statistics over the per-episode values, with the same
bootstrap as every other metric.

References: Baronchelli et al. (2006) and Ashery, Aiello & Baronchelli (Sci. Adv. 2025) for
consensus (3N consecutive successful interactions); Centola et al. (Science 2018) for tipping.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import stats

from scorers.stats import Estimate, bootstrap, mean_ci

SUCCESS_THRESHOLD = 0.95
HOLD_ROUNDS = 3


def success_rates(steps: Sequence[Mapping[str, Any]]) -> list[float]:
    """Share of successful interactions in each round."""
    return [float(np.mean(s["ok"])) if s["ok"] else 0.0 for s in steps]


def strict_consensus_round(steps: Sequence[Mapping[str, Any]], n_agents: int) -> int | None:
    """First round from which 3N consecutive successful interactions follow (1-based), or None."""
    streak, start = 0, None
    for s in steps:
        for ok in s["ok"]:
            if ok:
                if streak == 0:
                    start = int(s["round"])
                streak += 1
                if streak >= 3 * n_agents:
                    return start
            else:
                streak, start = 0, None
    return None


def held_success_round(
    rates: Sequence[float], threshold: float = SUCCESS_THRESHOLD, hold: int = HOLD_ROUNDS
) -> int | None:
    """First round (1-based) whose success rate and the next `hold-1` rounds' are >= threshold."""
    for t in range(len(rates) - hold + 1):
        if all(r >= threshold for r in rates[t : t + hold]):
            return t + 1
    return None


def labels_in_use(steps: Sequence[Mapping[str, Any]]) -> list[int]:
    """Number of distinct labels named in each round (invalid answers excluded)."""
    return [len({a for a in s["act"] if a >= 0}) for s in steps]


IDLE = -2
"""An agent that was not matched in a round (graph topologies)."""


def last_actions(steps: Sequence[Mapping[str, Any]]) -> list[int]:
    """Each agent's move in the last round it played (-1 invalid; IDLE if it never played).

    On a complete well-mixed population this is simply the last round's moves.
    """
    if not steps:
        return []
    out = list(steps[-1]["act"])
    for s in reversed(steps[:-1]):
        if IDLE not in out:
            break
        out = [a if a != IDLE else b for a, b in zip(out, s["act"], strict=True)]
    return out


def final_agreement(final_actions: Sequence[int]) -> tuple[float, int]:
    """Share of all agents naming the dominant label in the last round, and that label's index.

    Invalid answers count against agreement. Ties go to the lowest index (deterministic).
    """
    named = Counter(a for a in final_actions if a >= 0)
    if not named:
        return 0.0, -1
    top = max(named.values())
    label = min(k for k, v in named.items() if v == top)
    return top / len(final_actions), label


def tipping_round(
    steps: Sequence[Mapping[str, Any]], alternative: int = 1, share: float = 0.95, hold: int = 3
) -> int | None:
    """First round of `hold` consecutive rounds with >= `share` of all plays on the alternative."""
    shares = [
        sum(1 for a in s["act"] if a == alternative) / max(1, 2 * len(s["pairs"])) for s in steps
    ]
    return held_success_round(shares, share, hold)


def naming_episode_metrics(
    summary: Mapping[str, Any], steps: Sequence[Mapping[str, Any]], asked: int, invalid: int
) -> dict[str, float]:
    """Every per-episode metric of the naming game (NaN where undefined)."""
    n_agents, n_labels = int(summary["n_agents"]), int(summary["n_labels"])
    consensus = strict_consensus_round(steps, n_agents)
    held = held_success_round(success_rates(steps))
    agreement, winner = final_agreement(last_actions(steps)) if steps else (0.0, -1)
    in_use = labels_in_use(steps)
    binary = n_labels == 2
    first = [a for a in steps[0]["act"] if a >= 0] if steps else []
    return {
        "consensus": float(consensus is not None),
        "time_to_consensus": float(consensus) if consensus is not None else math.nan,
        "time_to_95_success": float(held) if held is not None else math.nan,
        "final_agreement": agreement,
        "labels_in_use_final": float(in_use[-1]) if in_use else math.nan,
        "labels_in_use_mean": float(np.mean(in_use)) if in_use else math.nan,
        "success_rate": float(np.mean([o for s in steps for o in s["ok"]])) if steps else 0.0,
        "rounds_played": float(len(steps)),
        "invalid_rate": invalid / asked if asked else 0.0,
        # the winner exists only where a convention formed (no tie-break decides a split)
        "winner_is_first": float(winner == 0) if binary and consensus is not None else math.nan,
        "first_choice_first": (
            float(np.mean([a == 0 for a in first])) if binary and first else math.nan
        ),
        "first_choice_n": float(len(first)) if binary else math.nan,
    }


def committed_episode_metrics(
    summary: Mapping[str, Any], steps: Sequence[Mapping[str, Any]], asked: int, invalid: int
) -> dict[str, float]:
    """Per-episode metrics of the committed-minority task (alternative = label index 1)."""
    tipped = tipping_round(steps)
    committed = set(summary["committed"])
    final = last_actions(steps)
    free = [a for i, a in enumerate(final) if i not in committed]
    return {
        "tipped": float(tipped is not None),
        "time_to_tip": float(tipped) if tipped is not None else math.nan,
        "committed_fraction": float(summary["committed_fraction"]),
        "alternative_share_final": float(np.mean([a == 1 for a in free])) if free else math.nan,
        "rounds_played": float(len(steps)),
        "invalid_rate": invalid / asked if asked else 0.0,
    }


def _bias(winner_is_first: np.ndarray) -> float:
    return float(abs(np.mean(winner_is_first) - 0.5))


def collective_bias(winner_is_first: Sequence[float]) -> tuple[Estimate, float]:
    """|P(first label wins) - 1/2| across W=2 episodes, and the two-sided binomial test p-value."""
    est = bootstrap([winner_is_first], _bias)
    values = [v for v in winner_is_first if not math.isnan(v)]
    if not values:
        return est, math.nan
    p = stats.binomtest(int(sum(values)), len(values), 0.5).pvalue
    return est, float(p)


def individual_bias(
    first_choice_first: Sequence[float], first_choice_n: Sequence[float]
) -> tuple[Estimate, float]:
    """|P(an agent's first choice, with empty memory, is the first label) - 1/2| (W=2)."""
    est = bootstrap(
        [first_choice_first, first_choice_n],
        lambda share, n: float(abs(np.sum(share * n) / np.sum(n) - 0.5)),
    )
    pairs = [
        (s, n) for s, n in zip(first_choice_first, first_choice_n, strict=True)
        if not (math.isnan(s) or math.isnan(n))
    ]
    if not pairs:
        return est, math.nan
    k = int(round(sum(s * n for s, n in pairs)))
    total = int(sum(n for _, n in pairs))
    return est, float(stats.binomtest(k, total, 0.5).pvalue) if total else math.nan


def critical_fraction_of(fractions: np.ndarray, tipped: np.ndarray) -> float:
    """Smallest committed fraction at which at least half the episodes tipped (NaN if none)."""
    levels = sorted(set(fractions.tolist()))
    for level in levels:
        mask = fractions == level
        if mask.any() and float(np.mean(tipped[mask])) >= 0.5:
            return float(level)
    return math.nan


def critical_fraction(fractions: Sequence[float], tipped: Sequence[float]) -> Estimate:
    return bootstrap([fractions, tipped], critical_fraction_of)


def aggregate_naming(episodes: Sequence[Mapping[str, float]]) -> dict[str, Estimate]:
    """Every reported metric of the naming game, over its episodes."""
    out = {
        key: mean_ci([e[key] for e in episodes])
        for key in (
            "consensus", "time_to_consensus", "time_to_95_success", "final_agreement",
            "labels_in_use_final", "labels_in_use_mean", "success_rate", "invalid_rate",
        )
    }
    if any(not math.isnan(e["winner_is_first"]) for e in episodes):
        bias, p = collective_bias([e["winner_is_first"] for e in episodes])
        out["collective_bias"] = bias
        out["collective_bias_pvalue"] = Estimate(p, p, p, bias.n)
        ibias, ip = individual_bias(
            [e["first_choice_first"] for e in episodes], [e["first_choice_n"] for e in episodes]
        )
        out["individual_bias"] = ibias
        out["individual_bias_pvalue"] = Estimate(ip, ip, ip, ibias.n)
    return out


def aggregate_committed(episodes: Sequence[Mapping[str, float]]) -> dict[str, Estimate]:
    """Every reported metric of the committed-minority task, over its episodes."""
    out = {
        key: mean_ci([e[key] for e in episodes])
        for key in ("tipped", "time_to_tip", "alternative_share_final", "invalid_rate")
    }
    out["critical_fraction"] = critical_fraction(
        [e["committed_fraction"] for e in episodes], [e["tipped"] for e in episodes]
    )
    return out
