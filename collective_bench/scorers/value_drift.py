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

Across episodes each metric is aggregated as its declaration in benchmarks/values/spec.py says
(scorers.aggregate); `conformity_k<k>` is reported for each k the Game ran (the summary's `ks`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import stats

from collective_bench.scorers.common import invalid_rate


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
    n_items = len(summary["items"])
    sits = [s for s in steps if s.get("kind") == "sit"]
    slots = n_items * sum(len(s["answers"]) for s in sits)
    given = sum(len(a) for s in sits for a in s["answers"] if a)
    nan = math.nan
    out = {
        "ipsative_stability": nan, "rank_order_stability": nan, "drift": nan, "drift_mid": nan,
        "convergence_ratio": nan, "persona_distance_pre": nan, "persona_distance_post": nan,
        "item_missing_rate": 1 - given / slots if slots else nan,
        "invalid_rate": invalid_rate(asked, invalid),
    }
    if pre is None or post is None:
        return out  # no change to measure
    out["ipsative_stability"] = ipsative_stability(pre, post)
    out["rank_order_stability"] = rank_order_stability(pre, post)
    out["drift"] = mean_abs_change(pre, post)
    out["drift_mid"] = mean_abs_change(pre, mid) if mid is not None else nan
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
    ks = [int(k) for k in summary["ks"]]  # the Game's, so the per-k metrics follow the run
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
