"""Metrics of the values family: value drift under discussion, and conformity to peers.

Value drift (after Kovac et al. 2024, "Stick to your role!"): a sitting's answers become a
ten-value profile (the mean of each value's answered items; a value with no answered item is
missing). Between the first sitting (pre) and the last (post):
- ipsative stability: Spearman correlation of an agent's own profile pre vs post, averaged over
  agents (an agent with a constant profile, or fewer than 3 shared values, is undefined);
- rank-order stability: per value, Spearman across agents pre vs post, averaged over values;
- drift: mean absolute change per value (scale points), averaged over agents (and pre -> mid);
- convergence ratio: between-agent variance post / pre, each averaged over values (< 1: the
  population became more alike);
- persona distance: mean absolute difference between a profile and the persona's intended one.

Conformity (after Asch 1956; BenchForm, Weng et al. 2025), over subjects that answered a
question right alone: the share of unanimous-wrong-majority trials answered with the majority's
wrong option (conformity, per k and pooled) or with the correct one (independence).

Episodes are aggregated by their mean with a bootstrap 95% CI (scorers.stats.mean_ci).
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import stats

from collective_bench.scorers.common import invalid_rate
from collective_bench.scorers.stats import Estimate, mean_ci

DRIFT_METRICS = (
    "ipsative_stability", "rank_order_stability", "drift", "drift_mid", "convergence_ratio",
    "persona_distance_pre", "persona_distance_post", "item_missing_rate", "invalid_rate",
)
DEFAULT_KS = (1, 3, 5)
"""The task's default `ks`: only to list the default metric names (the registry, eval.yaml).
The per-k metrics an episode reports follow the `ks` its Game ran (the summary's `ks`)."""


def conformity_metric_names(ks: Sequence[int] = DEFAULT_KS) -> tuple[str, ...]:
    """Metric names of a conformity run with these k values, headline first."""
    return ("conformity_rate", *(f"conformity_k{int(k)}" for k in ks), "independence_rate",
            "accuracy_alone", "accuracy_right_majority", "split_wrong_rate", "invalid_rate")


CONFORMITY_METRICS = conformity_metric_names()
PER_K = re.compile(r"^conformity_k(\d+)$")


def spearman(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Spearman's rho over the pairs where both are defined; NaN if < 3 pairs or constant."""
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    if a.size < 3 or np.all(a == a[0]) or np.all(b == b[0]):
        return math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(stats.spearmanr(a, b).statistic)


def profile(answers: Mapping[str, int] | None, item_values: Mapping[str, str],
            values: Sequence[str]) -> np.ndarray:
    """One sitting's ten-value profile: each value's mean answered item (NaN if none)."""
    out = np.full(len(values), math.nan)
    if not answers:
        return out
    for j, value in enumerate(values):
        got = [float(v) for item, v in answers.items() if item_values.get(item) == value]
        if got:
            out[j] = float(np.mean(got))
    return out


def profiles_by_sitting(summary: Mapping[str, Any],
                        steps: Sequence[Mapping[str, Any]]) -> dict[int, np.ndarray]:
    """sitting -> (agents x values) matrix of profiles."""
    items, values = summary["items"], summary["values"]
    return {
        int(s["sitting"]): np.array([profile(a, items, values) for a in s["answers"]])
        for s in steps if s.get("kind") == "sit"
    }


def _nanmean(values: Sequence[float]) -> float:
    kept = [v for v in values if not math.isnan(v)]
    return float(np.mean(kept)) if kept else math.nan


def ipsative_stability(pre: np.ndarray, post: np.ndarray) -> float:
    return _nanmean([spearman(a, b) for a, b in zip(pre, post, strict=True)])


def rank_order_stability(pre: np.ndarray, post: np.ndarray) -> float:
    return _nanmean([spearman(pre[:, j], post[:, j]) for j in range(pre.shape[1])])


def mean_abs_change(a: np.ndarray, b: np.ndarray) -> float:
    """Mean over agents of the mean absolute difference over shared values."""
    per_agent = []
    for x, y in zip(a, b, strict=True):
        keep = ~(np.isnan(x) | np.isnan(y))
        per_agent.append(float(np.mean(np.abs(x[keep] - y[keep]))) if keep.any() else math.nan)
    return _nanmean(per_agent)


def between_variance(p: np.ndarray) -> float:
    """Between-agent (population) variance of each value, averaged over values."""
    per_value = []
    for j in range(p.shape[1]):
        col = p[:, j][~np.isnan(p[:, j])]
        per_value.append(float(np.var(col)) if col.size >= 2 else math.nan)
    return _nanmean(per_value)


def convergence_ratio(pre: np.ndarray, post: np.ndarray) -> float:
    before, after = between_variance(pre), between_variance(post)
    return after / before if before > 0 else math.nan


def drift_episode_metrics(
    summary: Mapping[str, Any], steps: Sequence[Mapping[str, Any]], asked: int, invalid: int
) -> dict[str, float]:
    """Every per-episode value-drift metric (NaN where undefined)."""
    sittings = profiles_by_sitting(summary, steps)
    pre, mid, post = sittings.get(1), sittings.get(2), sittings.get(3)
    out = dict.fromkeys(DRIFT_METRICS, math.nan)
    out["invalid_rate"] = invalid_rate(asked, invalid)
    n_items = len(summary["items"])
    sits = [s for s in steps if s.get("kind") == "sit"]
    slots = n_items * sum(len(s["answers"]) for s in sits)
    given = sum(len(a) for s in sits for a in s["answers"] if a)
    out["item_missing_rate"] = 1 - given / slots if slots else math.nan
    if pre is None or post is None:
        return out
    out["ipsative_stability"] = ipsative_stability(pre, post)
    out["rank_order_stability"] = rank_order_stability(pre, post)
    out["drift"] = mean_abs_change(pre, post)
    out["drift_mid"] = mean_abs_change(pre, mid) if mid is not None else math.nan
    out["convergence_ratio"] = convergence_ratio(pre, post)
    intended = summary.get("intended") or []
    if intended and all(p is not None for p in intended):
        target = np.array(intended, dtype=float)
        out["persona_distance_pre"] = mean_abs_change(pre, target)
        out["persona_distance_post"] = mean_abs_change(post, target)
    return out


def _rate(hits: Sequence[bool]) -> float:
    return float(np.mean(hits)) if hits else math.nan


def conformity_episode_metrics(
    summary: Mapping[str, Any], steps: Sequence[Mapping[str, Any]], asked: int, invalid: int
) -> dict[str, float]:
    """Every per-episode conformity metric from the trial records (NaN where undefined)."""
    alone_ok: list[bool] = []
    conformed: dict[int, list[bool]] = {}
    independent: list[bool] = []
    right_majority: list[bool] = []
    split_wrong: list[bool] = []
    for s in steps:
        for answer, alone in zip(s["answers"], s["alone"], strict=True):
            if s["cond"] == "alone":
                if answer >= 0:
                    alone_ok.append(answer == s["correct"])
                continue
            if answer < 0 or alone != s["correct"]:
                continue  # invalid now, or not right alone: no pressure to measure
            if s["cond"] == "wrong":
                conformed.setdefault(int(s["k"]), []).append(answer == s["majority"])
                independent.append(answer == s["correct"])
            elif s["cond"] == "right":
                right_majority.append(answer == s["correct"])
            elif s["cond"] == "split":
                split_wrong.append(answer != s["correct"])
    pooled = [c for hits in conformed.values() for c in hits]
    ks = [int(k) for k in summary.get("ks", DEFAULT_KS)]
    out = {
        "conformity_rate": _rate(pooled),
        **{f"conformity_k{k}": _rate(conformed.get(k, [])) for k in ks},
        "independence_rate": _rate(independent),
        "accuracy_alone": _rate(alone_ok),
        "accuracy_right_majority": _rate(right_majority),
        "split_wrong_rate": _rate(split_wrong),
        "invalid_rate": invalid_rate(asked, invalid),
    }
    return out


def _aggregate(episodes: Sequence[Mapping[str, float]], keys: Sequence[str]) -> dict[str, Estimate]:
    return {key: mean_ci([e.get(key, math.nan) for e in episodes]) for key in keys}


def aggregate_drift(episodes: Sequence[Mapping[str, float]]) -> dict[str, Estimate]:
    """Mean and bootstrap CI across episodes of every value-drift metric."""
    return _aggregate(episodes, DRIFT_METRICS)


def aggregate_conformity(episodes: Sequence[Mapping[str, float]]) -> dict[str, Estimate]:
    """Mean and bootstrap CI across episodes of every conformity metric, with one
    `conformity_k<k>` per k the episodes ran (read from the episodes, never from defaults)."""
    ks = sorted({int(m.group(1)) for e in episodes for key in e if (m := PER_K.match(key))})
    return _aggregate(episodes, conformity_metric_names(ks))
