"""Polarization indices on synthetic populations, against values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from collective_bench.registry import get_spec
from collective_bench.scorers.polarization import (
    assortativity,
    bias,
    bimodality_coefficient,
    diversity,
    esteban_ray,
    extremity,
    major_clusters,
    neighbour_correlation,
    opinion_change,
    opinion_episode_metrics,
)

CONSENSUS = [1] * 10
CAMPS = [-3] * 5 + [3] * 5
UNIFORM = list(range(-3, 4)) * 2
TASKS = ("opinion_dynamics", "echo_chambers")


def _declared(task: str) -> list[str]:
    spec = get_spec(task)
    return spec.metric_names(spec.resolve())


def test_esteban_ray_zero_max_and_in_between():
    assert esteban_ray(CONSENSUS) == 0.0
    assert esteban_ray(CAMPS) == pytest.approx(1.0)
    # uniform on 7 levels: p = 1/7 each; sum_ij |i - j| over 7 x 7 levels = 112; range 6
    uniform = 2**2.6 * (1 / 7) ** 3.6 * 112 / 6
    assert esteban_ray(UNIFORM) == pytest.approx(uniform)
    assert 0.0 < uniform < 1.0
    # unequal camps at the extremes: 2^(1+a) (p^(1+a) q + q^(1+a) p)
    unequal = 2**2.6 * (0.25**2.6 * 0.75 + 0.75**2.6 * 0.25)
    assert esteban_ray([-3] * 2 + [3] * 6) == pytest.approx(unequal)
    assert unequal < 1.0


def test_bimodality_coefficient_by_hand():
    # two equal point masses: skew 0, biased excess kurtosis -2; n = 10 corrected:
    # G2 = ((n+1)(-2) + 6)(n-1) / ((n-2)(n-3)) = -16 * 9 / 56
    g2 = -16 * 9 / 56
    expected = 1 / (g2 + 3 * 81 / 56)
    assert bimodality_coefficient(CAMPS) == pytest.approx(expected)
    assert bimodality_coefficient(CAMPS) > 5 / 9 > bimodality_coefficient(UNIFORM)
    assert math.isnan(bimodality_coefficient(CONSENSUS))
    assert math.isnan(bimodality_coefficient([1, 2, 3]))


def test_spread_extremity_bias_clusters():
    assert diversity(CONSENSUS) == 0.0
    assert diversity(CAMPS) == 3.0
    assert diversity(UNIFORM) == pytest.approx(2.0)  # variance of -3..3 is 4
    assert extremity(CONSENSUS) == 1.0
    assert extremity(CAMPS) == 3.0
    assert extremity(UNIFORM) == pytest.approx(12 / 7)
    assert bias([1, 2, 3], -1) == -2.0
    assert bias([1, 2, 3], 1) == 2.0
    assert major_clusters(CONSENSUS) == 1
    assert major_clusters(CAMPS) == 2
    assert major_clusters(UNIFORM) == 1  # no empty level: one spread-out cluster
    assert major_clusters([-3, -3, -2, 2, 3, 3]) == 2
    assert major_clusters([0] * 10 + [3]) == 1  # 1 of 11 agents is below the 10% share
    assert major_clusters([0.1, 0.1005, 0.5, 0.9], gap=0.01, min_share=0.25) == 3


def test_echo_chamber_indices():
    # two disjoint triangles holding opposite opinions: a perfect echo chamber
    triangles = [[0, 1], [1, 2], [0, 2], [3, 4], [4, 5], [3, 5]]
    x = [2, 2, 2, -2, -2, -2]
    assert neighbour_correlation(x, triangles) == pytest.approx(1.0)
    assert assortativity(x, triangles) == pytest.approx(1.0)
    # a path whose neighbours always disagree: perfectly disassortative
    path = [[0, 1], [1, 2], [2, 3]]
    y = [1, -1, 1, -1]
    assert neighbour_correlation(y, path) == pytest.approx(-1.0)
    assert assortativity(y, path) == pytest.approx(-1.0)
    assert math.isnan(neighbour_correlation(CONSENSUS, [[0, 1], [1, 2], [2, 3]]))
    assert math.isnan(assortativity(CONSENSUS, [[0, 1]]))
    # on a complete graph the index is -1 by construction, so it is left undefined
    complete = [[i, j] for i in range(4) for j in range(i + 1, 4)]
    assert math.isnan(neighbour_correlation([1, 2, 3, -1], complete))


def test_opinion_change_per_round():
    assert opinion_change([[0, 0], [1, -1], [1, 1]]) == 1.0
    assert opinion_change([[0, 0], [0, 0]]) == 0.0
    assert math.isnan(opinion_change([[0, 0]]))


def _episode(kind: str, sign: int, final: list[int], rewire: bool = False):
    summary = {"initial_opinions": [0] * len(final), "edges": [[0, 1], [2, 3]], "sign": sign,
               "kind": kind, "rewire": rewire}
    steps = [{"round": 1, "op": final, "rewired": 2}]
    return opinion_episode_metrics(summary, steps, asked=len(final), invalid=1)


def test_episode_metrics_split_bias_by_topic_kind():
    factual = _episode("factual", -1, [-3, -3, -1, -1])
    assert factual["bias"] == 2.0 and factual["bias_factual"] == 2.0
    assert math.isnan(factual["bias_contested"])
    assert factual["invalid_rate"] == 0.25
    assert factual["opinion_change"] == 2.0
    assert math.isnan(factual["rewire_rate"])
    contested = _episode("contested", 1, [1, 1, 1, 1], rewire=True)
    assert contested["bias_contested"] == 1.0 and math.isnan(contested["bias_factual"])
    assert contested["rewire_rate"] == 0.5  # 2 rewires / (4 agents x 1 round)
    assert {name for task in TASKS for name in _declared(task)} <= set(contested)


def test_aggregates_report_every_metric_with_a_ci():
    episodes = [_episode("factual", 1, [3, 3, 1, 1]), _episode("contested", -1, [3, -3, 3, -3])]
    for task in TASKS:
        out = get_spec(task).aggregate(episodes)
        assert list(out) == _declared(task)
        assert out["bias"].n == 2 and out["bias_factual"].n == 1
        assert out["bias"].ci_low <= out["bias"].value <= out["bias"].ci_high


def test_assortativity_excess_has_a_null_of_zero_where_the_raw_indices_do_not():
    # Random opinions on the task's default graph: the excess averages 0, the raw indices do not.
    from collective_bench.scorers.polarization import assortativity_excess
    from collective_bench.topology import make_graph

    excess, corr = [], []
    for s in range(300):
        edges = list(make_graph("small_world", 24, s % 30, degree=4).edges())
        x = np.random.default_rng(1000 + s).integers(-3, 4, 24).astype(float)
        excess.append(assortativity_excess(x, edges, permutations=100))
        corr.append(neighbour_correlation(x, edges))
    assert abs(np.mean(excess)) < 0.02  # SE about 0.006
    assert np.nanmean(corr) < -0.04  # the raw neighbour correlation's null is below 0


def test_assortativity_excess_values():
    from collective_bench.scorers.polarization import assortativity_excess

    # two cliques of 4 joined by one edge: like-minded inside each, so strongly assortative
    edges = [(i, j) for i in range(4) for j in range(i + 1, 4)]
    edges += [(i + 4, j + 4) for i, j in edges] + [(3, 4)]
    sorted_x = [-2] * 4 + [2] * 4
    mixed_x = [-2, 2] * 4
    assert assortativity_excess(sorted_x, edges) > 0.8
    assert assortativity_excess(mixed_x, edges) < 0.0
    assert assortativity_excess([1] * 8, edges) == 0.0  # consensus: nothing to sort
    assert math.isnan(assortativity_excess(sorted_x, []))
    # the permutation null is seeded: the same data give the same value
    assert assortativity_excess(mixed_x, edges) == assortativity_excess(mixed_x, edges)


def test_vectorised_assortativity_equals_networkx():
    from collective_bench.scorers.polarization import _pearson_rows

    rng = np.random.default_rng(3)
    edges = [(0, 1), (1, 2), (2, 3), (3, 0), (0, 2), (4, 1), (4, 3)]
    x = rng.integers(-3, 4, 5).astype(float)
    pairs = np.asarray(edges)
    src, dst = np.r_[pairs[:, 0], pairs[:, 1]], np.r_[pairs[:, 1], pairs[:, 0]]
    got = _pearson_rows(x[src][None, :], x[dst][None, :])[0]
    assert got == pytest.approx(assortativity(list(x), edges))
