"""Metrics of the opinions family: where a population's opinions end up and how they split.

Opinions are on the 7-point scale -3..+3 (SCALE_LO..SCALE_HI). Every index is a pure function of
the final opinions (and the final graph for the echo-chamber indices), so it can be checked
against hand-computed values on synthetic populations. Formulas and references:

- bias: s * mean(x), where s = +1/-1 orients the shown statement: toward the ground truth for a
  factual topic (s = +1 when the shown statement is true), toward framing "a" of a contested one.
  Each topic is asked in both framings, so an acquiescence ("agree with whatever is shown") bias
  cancels in the mean over a topic pair.
- diversity: the population standard deviation sqrt(mean((x - mean x)^2)).
- clusters (major opinion clusters): sort the opinions, split wherever two consecutive values
  differ by more than `gap` (on the 7-point scale: an empty level between them), and count the
  groups holding at least `min_share` of the agents. This is the "major cluster" count of
  Deffuant et al. (2000); it is exact and deterministic (a Gaussian mixture is degenerate on 7
  discrete levels), and the calibration uses the same function on continuous opinions.
- bimodality: Sarle's bimodality coefficient b = (g^2 + 1) / (k + 3 (n-1)^2 / ((n-2)(n-3))),
  with g the sample skewness and k the sample excess kurtosis, both bias-corrected (Pfister,
  Schwarz, Janczyk, Dale & Freeman, Front. Psychol. 2013). b > 5/9 (the uniform's value) suggests
  bimodality; NaN when n < 4 or all opinions are equal.
- polarization: the Esteban-Ray index P = K sum_i sum_j p_i^(1+alpha) p_j |y_i - y_j| over the
  occupied levels y with shares p (Esteban & Ray, Econometrica 1994), alpha = 1.6, distances in
  units of the scale's range and K = 2^(1+alpha) so that two equal camps at the two extremes
  (the maximum) give 1, and consensus gives 0.
- extremity: mean |x| (0 = everyone neutral, 3 = everyone at an extreme).
- neighbour_correlation (echo-chamber index): Pearson correlation across agents between x_i and
  the mean opinion of i's neighbours (Cota, Ferreira, Pastor-Satorras & Starnini, EPJ Data Sci.
  2019; Cinelli et al., PNAS 2021). NaN when undefined (no variance, fewer than 3 connected
  agents) and on a complete graph, where it is -1 by construction (neighbours' mean is
  (sum - x_i) / (n - 1)).
- assortativity: Newman's numeric assortativity coefficient of the opinion over the graph's edges
  (Newman, PRE 2003), via networkx. NaN when undefined.
- assortativity_excess (echo_chambers' headline): the assortativity minus its mean under random
  permutation of the same opinions over the nodes of the same final graph (PERMUTATIONS seeded
  permutations): how much more like-minded neighbours are than chance on that graph. Neither
  raw index has a null of 0 on a finite graph (neighbour_correlation's is about -0.12 on the
  default 24-node small world, because an agent is excluded from its own neighbourhood; the
  assortativity's is about -1/(2E - 1) and varies with degrees), so only the excess reads 0 as
  "no sorting". Defined as 0 when every agent holds the same position (nothing to sort), NaN
  with no edges. The null is the label-shuffling one of network homophily tests: the ties
  are kept, only who holds which opinion is shuffled.
- opinion_change: mean |x_i(t) - x_i(t-1)| over agents and rounds (t = 1 is the assigned start).
- rewire_rate: ties rewired per agent per round (echo_chambers only).
- invalid_rate: invalid answers (after the one re-ask) over moves asked.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
from scipy import stats

from collective_bench.scorers.common import invalid_rate

SCALE_LO, SCALE_HI = -3, 3
ALPHA = 1.6
CLUSTER_GAP = 1.0
"""On the 7-point scale adjacent levels belong to one cluster; an empty level splits."""
MIN_CLUSTER_SHARE = 0.1

PERMUTATIONS = 1000
"""Seeded permutations behind assortativity_excess (its Monte Carlo error is about 0.005)."""


def _array(values: Sequence[float]) -> np.ndarray:
    return np.asarray(values, dtype=float)


def bias(opinions: Sequence[float], sign: int) -> float:
    """s * mean(x): positive = toward the truth (factual) or toward framing "a" (contested)."""
    x = _array(opinions)
    return float(sign * x.mean()) if x.size else math.nan


def diversity(opinions: Sequence[float]) -> float:
    """Population standard deviation of the opinions."""
    x = _array(opinions)
    return float(x.std()) if x.size else math.nan


def extremity(opinions: Sequence[float]) -> float:
    """Mean absolute opinion (distance from neutral)."""
    x = _array(opinions)
    return float(np.abs(x).mean()) if x.size else math.nan


def major_clusters(
    opinions: Sequence[float], gap: float = CLUSTER_GAP, min_share: float = MIN_CLUSTER_SHARE
) -> int:
    """Groups of sorted opinions split at gaps > `gap`, counting those with >= min_share."""
    x = np.sort(_array(opinions))
    if not x.size:
        return 0
    cuts = np.flatnonzero(np.diff(x) > gap) + 1
    sizes = np.diff(np.concatenate(([0], cuts, [x.size])))
    return int(np.sum(sizes >= min_share * x.size - 1e-9))


def bimodality_coefficient(opinions: Sequence[float]) -> float:
    """Sarle's b with bias-corrected skewness and excess kurtosis (NaN if n < 4 or constant)."""
    x = _array(opinions)
    n = x.size
    if n < 4 or np.all(x == x[0]):
        return math.nan
    g = float(stats.skew(x, bias=False))
    k = float(stats.kurtosis(x, fisher=True, bias=False))
    return (g**2 + 1) / (k + 3 * (n - 1) ** 2 / ((n - 2) * (n - 3)))


def esteban_ray(
    opinions: Sequence[float], alpha: float = ALPHA, lo: float = SCALE_LO, hi: float = SCALE_HI
) -> float:
    """Esteban-Ray polarization over occupied levels, normalised to 1 at two extreme camps."""
    x = _array(opinions)
    if not x.size:
        return math.nan
    levels, counts = np.unique(x, return_counts=True)
    p = counts / x.size
    y = (levels - lo) / (hi - lo)
    dist = np.abs(y[:, None] - y[None, :])
    raw = float(np.sum((p ** (1 + alpha))[:, None] * p[None, :] * dist))
    return raw * 2 ** (1 + alpha)


def _graph(n: int, opinions: Sequence[float], edges: Sequence[Sequence[int]]) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from((i, {"x": float(v)}) for i, v in enumerate(opinions[:n]))
    graph.add_edges_from((int(u), int(v)) for u, v in edges)
    return graph


def neighbour_correlation(opinions: Sequence[float], edges: Sequence[Sequence[int]]) -> float:
    """Pearson r between each connected agent's opinion and its neighbours' mean opinion."""
    x = _array(opinions)
    neighbours: list[list[int]] = [[] for _ in range(x.size)]
    for u, v in edges:
        neighbours[int(u)].append(int(v))
        neighbours[int(v)].append(int(u))
    if all(len(set(nb)) == x.size - 1 for nb in neighbours):
        return math.nan  # complete graph: neighbours' mean is (sum - x_i)/(n-1), r = -1 always
    own = [x[i] for i in range(x.size) if neighbours[i]]
    around = [float(np.mean(x[neighbours[i]])) for i in range(x.size) if neighbours[i]]
    if len(own) < 3 or np.std(own) == 0 or np.std(around) == 0:
        return math.nan
    return float(np.corrcoef(own, around)[0, 1])


def assortativity(opinions: Sequence[float], edges: Sequence[Sequence[int]]) -> float:
    """Newman's numeric assortativity of the opinion attribute (NaN when undefined)."""
    x = _array(opinions)
    if not len(edges) or np.all(x == x[0]):
        return math.nan
    graph = _graph(x.size, list(x), edges)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        value = float(nx.numeric_assortativity_coefficient(graph, "x"))
    return value if math.isfinite(value) else math.nan


def _pearson_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson r of each row of a against the same row of b (NaN where a row is constant)."""
    a = a - a.mean(axis=-1, keepdims=True)
    b = b - b.mean(axis=-1, keepdims=True)
    den = np.sqrt((a * a).sum(axis=-1) * (b * b).sum(axis=-1))
    with np.errstate(all="ignore"):
        return np.where(den > 0, (a * b).sum(axis=-1) / np.where(den > 0, den, 1), np.nan)


def assortativity_excess(
    opinions: Sequence[float], edges: Sequence[Sequence[int]], permutations: int = PERMUTATIONS,
    seed: int = 0,
) -> float:
    """Opinion assortativity minus its mean over seeded random permutations of the opinions on
    the same graph (0 = no more sorting than chance; 0 at consensus; NaN with no edges)."""
    x = _array(opinions)
    if not len(edges):
        return math.nan
    if np.all(x == x[0]):
        return 0.0
    pairs = np.asarray([[int(u), int(v)] for u, v in edges])
    src = np.concatenate([pairs[:, 0], pairs[:, 1]])  # both directions: Newman's undirected r
    dst = np.concatenate([pairs[:, 1], pairs[:, 0]])
    observed = float(_pearson_rows(x[src][None, :], x[dst][None, :])[0])
    if math.isnan(observed):
        return math.nan
    rng = np.random.default_rng(seed)
    shuffled = x[np.argsort(rng.random((permutations, x.size)), axis=1)]
    null = _pearson_rows(shuffled[:, src], shuffled[:, dst])
    return observed - float(np.nanmean(null))


def opinion_change(trajectory: Sequence[Sequence[float]]) -> float:
    """Mean |x_i(t) - x_i(t-1)| over agents and steps of a (rounds+1) x N trajectory."""
    x = np.asarray([list(row) for row in trajectory], dtype=float)
    if x.ndim != 2 or x.shape[0] < 2:
        return math.nan
    return float(np.abs(np.diff(x, axis=0)).mean())


def opinion_episode_metrics(
    summary: Mapping[str, Any], steps: Sequence[Mapping[str, Any]], asked: int, invalid: int
) -> dict[str, float]:
    """Every per-episode index from the stored trajectory (NaN where undefined)."""
    initial = [float(v) for v in summary["initial_opinions"]]
    trajectory: list[list[float]] = [initial, *([float(v) for v in s["op"]] for s in steps)]
    final = trajectory[-1]
    edges = summary["edges"]
    sign = int(summary["sign"])
    factual = summary["kind"] == "factual"
    b = bias(final, sign)
    lo, hi = summary.get("scale", (SCALE_LO, SCALE_HI))  # the Game's scale, as it recorded it
    n_agents = len(final)
    rounds = len(steps)
    return {
        "polarization": esteban_ray(final, lo=lo, hi=hi),
        "bias": b,
        "bias_factual": b if factual else math.nan,
        "bias_contested": math.nan if factual else b,
        "diversity": diversity(final),
        "clusters": float(major_clusters(final)),
        "bimodality": bimodality_coefficient(final),
        "extremity": extremity(final),
        "neighbour_correlation": neighbour_correlation(final, edges),
        "assortativity": assortativity(final, edges),
        "assortativity_excess": assortativity_excess(final, edges),
        "opinion_change": opinion_change(trajectory),
        "rewire_rate": (
            sum(int(s.get("rewired", 0)) for s in steps) / (n_agents * rounds)
            if summary.get("rewire") and rounds else math.nan
        ),
        "rounds_played": float(rounds),
        "invalid_rate": invalid_rate(asked, invalid),
    }
