"""Metrics of the conventions family (naming game, committed minority).

Per-episode quantities come from the compact trajectory: each step's pairs, the label index each
agent named (-1 invalid, -2 did not play), each pair's success and the running interaction count
`t`. Time is population time: interactions / N.

Time to consensus is survival data: an episode that reaches the cap without consensus is
right-censored at the cap, not dropped, and the across-episode figure is the Kaplan-Meier median
(scipy.stats.ecdf on scipy.stats.CensoredData) with the interval the survival curve's pointwise
95% band gives (Brookmeyer & Crowley 1982). With no censoring it equals the plain median, which
is what Ashery et al. report. The Kaplan-Meier median, the bias tests and the critical
fraction below are the special rules the declarations (conventions/spec.py) give
`scorers.aggregate.per_metric`; every other metric is a mean over episodes.

References: Baronchelli et al. (2006) and Ashery, Aiello & Baronchelli (Sci. Adv. 2025) for
consensus (3N consecutive successful interactions); Centola et al. (Science 2018) for tipping.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import stats

from collective_bench.scorers.common import invalid_rate
from collective_bench.scorers.stats import Estimate, bootstrap

STREAK_PER_AGENT = 3
TIP_SHARE, TIP_BINS = 0.95, 3
TIPPED_SHARE = 0.5
"""A tested committed fraction 'tips' when at least half of its episodes tipped."""
IDLE = -2
"""An agent that did not play in a step."""


def interactions(steps: Sequence[Mapping[str, Any]]) -> list[tuple[list[int], int, list[int]]]:
    """Every interaction in order: (pair, success, the step's act row)."""
    return [(list(pair), int(ok), s["act"]) for s in steps
            for pair, ok in zip(s["pairs"], s["ok"], strict=True)]


def consensus_interaction(steps: Sequence[Mapping[str, Any]], n_agents: int) -> int | None:
    """The interaction (1-based) at which the first run of 3N consecutive successes ENDS."""
    streak = 0
    for t, (_, ok, _) in enumerate(interactions(steps), start=1):
        streak = streak + 1 if ok else 0
        if streak >= STREAK_PER_AGENT * n_agents:
            return t
    return None


def population_rounds(
    steps: Sequence[Mapping[str, Any]], n_agents: int, exclude: frozenset[int] = frozenset()
) -> list[list[tuple[int, int]]]:
    """Plays (agent, label index) grouped in bins of N interactions (the last may be short)."""
    bins: list[list[tuple[int, int]]] = [[]]
    done = 0
    for pair, _, act in interactions(steps):
        if done == n_agents:
            bins.append([])
            done = 0
        bins[-1] += [(a, act[a]) for a in pair if a not in exclude]
        done += 1
    return bins if bins[0] else []


def last_actions(steps: Sequence[Mapping[str, Any]]) -> list[int]:
    """Each agent's move in the last step it played (-1 invalid; IDLE if it never played)."""
    if not steps:
        return []
    out = list(steps[-1]["act"])
    for s in reversed(steps[:-1]):
        if IDLE not in out:
            break
        out = [a if a != IDLE else b for a, b in zip(out, s["act"], strict=True)]
    return out


def final_agreement(final_actions: Sequence[int]) -> tuple[float, int]:
    """Share of ALL agents whose last move names the dominant label, and that label's index.

    Invalid answers and agents that never played count against agreement; ties go to the
    lowest index (deterministic).
    """
    named = Counter(a for a in final_actions if a >= 0)
    if not named:
        return 0.0, -1
    top = max(named.values())
    return top / len(final_actions), min(k for k, v in named.items() if v == top)


def winner(steps: Sequence[Mapping[str, Any]], n_agents: int) -> int:
    """The label most named over the last 3N interactions (Ashery et al.'s convention)."""
    last = interactions(steps)[-STREAK_PER_AGENT * n_agents:]
    named = Counter(act[a] for pair, _, act in last for a in pair if act[a] >= 0)
    top = max(named.values())
    return min(k for k, v in named.items() if v == top)


def first_choices(steps: Sequence[Mapping[str, Any]], n_agents: int) -> list[int]:
    """Each agent's first valid answer, given with an empty memory (individual bias)."""
    first: dict[int, int] = {}
    for pair, _, act in interactions(steps):
        for a in pair:
            if a not in first and act[a] != IDLE:
                first[a] = act[a]
        if len(first) == n_agents:
            break
    return [v for v in first.values() if v >= 0]


def tipped_interaction(
    steps: Sequence[Mapping[str, Any]], n_agents: int, committed: frozenset[int],
    alternative: int = 1,
) -> int | None:
    """The interaction ending the 3rd consecutive population round in which >= 95% of the
    non-committed agents' plays named the alternative (None if that never happened)."""
    run = 0
    complete = sum(len(s["ok"]) for s in steps) // n_agents  # a short last bin is not a round
    for i, plays in enumerate(population_rounds(steps, n_agents, committed)[:complete]):
        share = np.mean([a == alternative for _, a in plays]) if plays else 0.0
        run = run + 1 if share >= TIP_SHARE else 0
        if run >= TIP_BINS:
            return (i + 1) * n_agents
    return None


def naming_episode_metrics(
    summary: Mapping[str, Any], steps: Sequence[Mapping[str, Any]], asked: int, invalid: int
) -> dict[str, float]:
    """Per-episode values of the naming game (NaN only where a quantity cannot exist)."""
    n, n_labels = int(summary["n_agents"]), int(summary["n_labels"])
    played = sum(len(s["ok"]) for s in steps)
    at = consensus_interaction(steps, n)
    agreement, _ = final_agreement(last_actions(steps)) if steps else (0.0, -1)
    bins = population_rounds(steps, n)
    in_use = [len({a for _, a in b if a >= 0}) for b in bins]
    binary = n_labels == 2
    first = first_choices(steps, n) if binary else []
    return {
        "consensus": float(at is not None),
        # event time, or the censoring time (interactions played) when there was no consensus
        "consensus_time": (at if at is not None else played) / n,
        "time_to_consensus": at / n if at is not None else math.nan,
        "final_agreement": agreement,
        "labels_in_use_final": float(in_use[-1]) if in_use else math.nan,
        "labels_in_use_mean": float(np.mean(in_use)) if in_use else math.nan,
        "success_rate": float(np.mean([ok for _, ok, _ in interactions(steps)])) if steps else 0.0,
        "interactions": float(played),
        "invalid_rate": invalid_rate(asked, invalid),
        # a winner exists only where a convention formed (no tie-break decides a split)
        "winner_is_first": float(winner(steps, n) == 0) if binary and at is not None else math.nan,
        "first_choice_first": float(np.mean([a == 0 for a in first])) if first else math.nan,
        "first_choice_n": float(len(first)) if binary else math.nan,
    }


def committed_episode_metrics(
    summary: Mapping[str, Any], steps: Sequence[Mapping[str, Any]], asked: int, invalid: int
) -> dict[str, float]:
    """Per-episode values of the committed-minority task (alternative = label index 1)."""
    n = int(summary["n_agents"])
    committed = frozenset(summary["committed"])
    at = tipped_interaction(steps, n, committed)
    bins = population_rounds(steps, n, committed)
    last = bins[-1] if bins else []
    return {
        "tipped": float(at is not None),
        "time_to_tip": at / n if at is not None else math.nan,
        "committed_fraction": float(summary["committed_fraction"]),
        "alternative_share_final": float(np.mean([a == 1 for _, a in last])) if last else math.nan,
        "interactions": float(sum(len(s["ok"]) for s in steps)),
        "invalid_rate": invalid_rate(asked, invalid),
    }


# --- across episodes (special rules of conventions/spec.py) ----------------------------------


def _first_below_half(times: np.ndarray, probabilities: np.ndarray) -> float:
    """The KM median convention: the first time S(t) <= 1/2, the midpoint to the next event
    time when S sits exactly at 1/2 (so it equals the plain median without censoring)."""
    below = np.flatnonzero(probabilities <= 0.5 + 1e-12)
    if below.size == 0:
        return math.nan
    i = int(below[0])
    if abs(probabilities[i] - 0.5) < 1e-12 and i + 1 < len(times):
        return float((times[i] + times[i + 1]) / 2)
    return float(times[i])


def km_median(times: Sequence[float], events: Sequence[float]) -> Estimate:
    """Kaplan-Meier median time to an event, right-censored where `events` is 0, with the
    Brookmeyer-Crowley interval from the survival curve's log-log 95% band. NaN when fewer
    than half the episodes had the event; the upper limit is the longest follow-up when the
    band never falls to 1/2 within it."""
    t = np.asarray(times, dtype=float)
    e = np.asarray(events, dtype=float)
    keep = ~(np.isnan(t) | np.isnan(e))
    t, e = t[keep], e[keep].astype(bool)
    n = int(t.size)
    if n == 0 or not e.any():
        return Estimate(math.nan, math.nan, math.nan, n)
    sf = stats.ecdf(stats.CensoredData(uncensored=t[e], right=t[~e])).sf
    value = _first_below_half(sf.quantiles, sf.probabilities)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the band is undefined where S reaches 0
        band = sf.confidence_interval(0.95, method="log-log")
    low_p = np.where(np.isnan(band.low.probabilities), sf.probabilities, band.low.probabilities)
    high_p = np.where(np.isnan(band.high.probabilities), sf.probabilities,
                      band.high.probabilities)
    low = _first_below_half(sf.quantiles, low_p)
    high = _first_below_half(sf.quantiles, high_p)
    if math.isnan(value):
        return Estimate(math.nan, low, math.nan, n)
    high = float(t.max()) if math.isnan(high) else max(high, value)
    return Estimate(value, min(low, value), high, n)


def _bias(winner_is_first: np.ndarray) -> float:
    return float(abs(np.mean(winner_is_first) - 0.5))


def collective_bias(winner_is_first: Sequence[float]) -> tuple[Estimate, float]:
    """|P(the run's first label wins) - 1/2| across W=2 episodes, and the binomial p-value."""
    est = bootstrap([winner_is_first], _bias)
    values = [v for v in winner_is_first if not math.isnan(v)]
    if not values:
        return est, math.nan
    return est, float(stats.binomtest(int(sum(values)), len(values), 0.5).pvalue)


def individual_bias(
    first_choice_first: Sequence[float], first_choice_n: Sequence[float]
) -> tuple[Estimate, float]:
    """|P(an agent's first answer, with empty memory, is the first label) - 1/2| (W=2)."""
    est = bootstrap(
        [first_choice_first, first_choice_n],
        lambda share, n: float(abs(np.sum(share * n) / np.sum(n) - 0.5)),
    )
    pairs = [(s, n) for s, n in zip(first_choice_first, first_choice_n, strict=True)
             if not (math.isnan(s) or math.isnan(n))]
    total = int(sum(n for _, n in pairs))
    if not total:
        return est, math.nan
    k = int(round(sum(s * n for s, n in pairs)))
    return est, float(stats.binomtest(k, total, 0.5).pvalue)


def critical_fraction_of(fractions: Sequence[float], tipped: Sequence[float]) -> float:
    """THE critical fraction, shared by `committed_minority` and `cbench tipping`: the smallest
    tested committed fraction at which at least half the episodes tipped. When no tested
    fraction tips, it is censored above the largest one and reported as 1.0 (the fraction at
    which tipping is certain), so it is defined for every run."""
    f = np.asarray(fractions, dtype=float)
    tp = np.asarray(tipped, dtype=float)
    for level in sorted(set(f.tolist())):
        mask = f == level
        if float(np.mean(tp[mask])) >= TIPPED_SHARE:
            return float(level)
    return 1.0


def critical_fraction(fractions: Sequence[float], tipped: Sequence[float]) -> Estimate:
    """The critical fraction with a 95% interval for where the tipping point lies.

    A percentile bootstrap of a grid statistic collapses to a point whenever the episodes agree
    (every random run censored read 1.00 +/- 0.00). Instead each tested fraction's tipping rate
    gets a Wilson interval: the tipping point lies above the largest fraction that confidently
    does not tip (its upper bound < 1/2; else 0) and at or below the smallest that confidently
    does (its lower bound >= 1/2; else 1, censored). Few episodes give a wide interval."""
    f = np.asarray(fractions, dtype=float)
    tp = np.asarray(tipped, dtype=float)
    keep = ~(np.isnan(f) | np.isnan(tp))
    f, tp = f[keep], tp[keep]
    if f.size == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    value = critical_fraction_of(f, tp)
    low, high = 0.0, 1.0
    for level in sorted(set(f.tolist())):
        at = tp[f == level]
        ci = stats.binomtest(int(round(at.sum())), at.size).proportion_ci(method="wilson")
        if ci.low >= TIPPED_SHARE:
            high = level
            break
        if ci.high < TIPPED_SHARE:
            low = level
    return Estimate(value, min(low, value), max(high, value), int(f.size))
