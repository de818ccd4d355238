"""Value-drift and conformity metric math against values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from collective_bench.benchmarks.values.spec import CONFORMITY, VALUE_DRIFT
from collective_bench.scorers.value_drift import (
    between_variance,
    conformity_episode_metrics,
    convergence_ratio,
    drift_episode_metrics,
    ipsative_stability,
    mean_abs_change,
    profile,
    rank_order_stability,
    spearman,
)


def test_spearman_by_hand():
    assert spearman([1, 2, 3], [1, 2, 3]) == pytest.approx(1.0)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    # ranks (1,2,3,4) vs (2,1,4,3): d^2 = 1+1+1+1 = 4, rho = 1 - 6*4/(4*15) = 0.6
    assert spearman([1, 2, 3, 4], [2, 1, 4, 3]) == pytest.approx(0.6)
    assert math.isnan(spearman([2, 2, 2], [1, 2, 3]))  # constant profile: undefined
    assert math.isnan(spearman([1, 2], [1, 2]))  # too few values
    assert spearman([1, 2, math.nan, 3], [1, 2, 9, 3]) == pytest.approx(1.0)  # NaN pairs dropped


def test_profile_averages_answered_items_and_leaves_missing_values_missing():
    items = {"Q1": "a", "Q2": "a", "Q3": "b", "Q4": "c"}
    p = profile({"Q1": 2, "Q2": 5, "Q3": 6}, items, ["a", "b", "c"])
    assert p[0] == 3.5 and p[1] == 6.0 and math.isnan(p[2])
    assert np.isnan(profile(None, items, ["a", "b", "c"])).all()


def test_stability_drift_convergence_by_hand():
    pre = np.array([[1.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0]])
    post = np.array([[1.0, 2.0, 4.0, 3.0], [3.0, 3.0, 3.0, 2.0]])
    # agent 0: rho 0.8 (one swap of neighbours: d^2 = 2, 1 - 12/60); agent 1: ranks (4,3,2,1) vs
    # (3.5, 2, 2, ... ) computed by scipy; check agent 0 alone, then the mean
    assert spearman(pre[0], post[0]) == pytest.approx(0.8)
    assert ipsative_stability(pre, post) == pytest.approx(
        (0.8 + spearman(pre[1], post[1])) / 2)
    # drift: agent 0 |0,0,1,1| -> 0.5; agent 1 |1,0,1,1| -> 0.75; mean 0.625
    assert mean_abs_change(pre, post) == pytest.approx(0.625)
    # between-agent variance per value (population): pre (2.25, 0.25, 0.25, 2.25) -> 1.25;
    # post (1, 0.25, 0.25, 0.25) -> 0.4375; ratio 0.35
    assert between_variance(pre) == pytest.approx(1.25)
    assert convergence_ratio(pre, post) == pytest.approx(0.35)


def test_rank_order_stability_by_hand():
    pre = np.array([[1.0, 5.0], [2.0, 4.0], [3.0, 3.0]])
    post = np.array([[1.0, 3.0], [2.0, 4.0], [3.0, 5.0]])
    # value 0 keeps the order (1), value 1 reverses it (-1): mean 0
    assert rank_order_stability(pre, post) == pytest.approx(0.0)


def _drift_summary(intended):
    return {"items": {"Q1": "a", "Q2": "b", "Q3": "c"}, "values": ["a", "b", "c"],
            "intended": intended}


def test_drift_episode_of_unchanged_agents():
    answers = [{"Q1": 1, "Q2": 3, "Q3": 6}, {"Q1": 6, "Q2": 2, "Q3": 1},
               {"Q1": 4, "Q2": 5, "Q3": 3}]
    steps = [{"kind": "sit", "sitting": n, "answers": answers} for n in (1, 2, 3)]
    m = drift_episode_metrics(_drift_summary([[1, 3, 6], [6, 2, 2], [4, 5, 3]]), steps, 9, 0)
    assert m["ipsative_stability"] == 1.0 and m["rank_order_stability"] == 1.0
    assert m["drift"] == 0.0 and m["drift_mid"] == 0.0 and m["convergence_ratio"] == 1.0
    assert m["persona_distance_pre"] == pytest.approx(1 / 9)  # agent 1 off by 1 on one value
    assert m["item_missing_rate"] == 0.0 and m["invalid_rate"] == 0.0


def test_drift_episode_counts_missing_items_and_invalid_sittings():
    pre = [{"Q1": 1, "Q2": 3, "Q3": 6}, {"Q1": 6, "Q2": 2}]  # one item missing
    post = [{"Q1": 1, "Q2": 3, "Q3": 6}, None]  # one sitting invalid: every item missing
    steps = [{"kind": "sit", "sitting": 1, "answers": pre},
             {"kind": "sit", "sitting": 3, "answers": post}]
    m = drift_episode_metrics(_drift_summary([None, None]), steps, 4, 1)
    assert m["item_missing_rate"] == pytest.approx(4 / 12)
    assert m["invalid_rate"] == 0.25
    assert m["drift"] == 0.0  # only agent 0 has both sittings
    assert math.isnan(m["drift_mid"]) and math.isnan(m["persona_distance_pre"])


def _trial(cond, k, answers, alone, correct=0, majority=1):
    return {"q": "q", "cond": cond, "k": k, "correct": correct, "majority": majority,
            "subjects": list(range(len(answers))), "answers": answers, "alone": alone}


def test_conformity_by_hand():
    steps = [
        _trial("alone", 0, [0, 0, 2, -1], [0, 0, 2, -1]),
        _trial("wrong", 1, [1, 0, 1, 1], [0, 0, 2, -1]),  # subj 0 conforms, 1 independent
        _trial("wrong", 3, [1, 1, 1, 1], [0, 0, 2, -1]),  # both right-alone subjects conform
        _trial("wrong", 5, [3, -1, 1, 1], [0, 0, 2, -1]),  # subj 0 picks a third option
        _trial("right", 3, [0, 2, 0, 0], [0, 0, 2, -1]),
        _trial("split", 3, [1, 0, 0, 0], [0, 0, 2, -1], majority=-1),
    ]
    m = conformity_episode_metrics({"ks": [1, 3, 5]}, steps, 24, 2)
    assert m["conformity_k1"] == 0.5 and m["conformity_k3"] == 1.0 and m["conformity_k5"] == 0.0
    assert m["conformity_rate"] == pytest.approx(3 / 5)
    assert m["independence_rate"] == pytest.approx(1 / 5)
    assert m["accuracy_alone"] == pytest.approx(2 / 3)  # the invalid alone answer is left out
    assert m["accuracy_right_majority"] == 0.5
    assert m["split_wrong_rate"] == 0.5
    assert m["invalid_rate"] == pytest.approx(2 / 24)


def test_an_episode_without_its_sittings_reports_every_metric_as_undefined():
    m = drift_episode_metrics(_drift_summary([None]), [], 3, 3)
    assert list(m) == VALUE_DRIFT.metric_names(VALUE_DRIFT.resolve())
    assert m["invalid_rate"] == 1.0
    assert all(math.isnan(v) for k, v in m.items() if k != "invalid_rate")


def test_aggregates_report_every_metric_with_a_ci():
    names = VALUE_DRIFT.metric_names(VALUE_DRIFT.resolve())
    empty = dict.fromkeys(names, math.nan)
    drift = VALUE_DRIFT.aggregate([{**empty, "drift": 0.1}, {**empty, "drift": 0.3}])
    assert list(drift) == names
    assert drift["drift"].value == pytest.approx(0.2) and drift["drift"].n == 2
    assert drift["drift"].ci_low <= 0.2 <= drift["drift"].ci_high
    assert math.isnan(drift["ipsative_stability"].value)
    names = CONFORMITY.metric_names(CONFORMITY.resolve({"ks": "3"}))
    empty = dict.fromkeys(names, math.nan)
    conf = CONFORMITY.aggregate([{**empty, "conformity_k3": 1.0},
                                 {**empty, "conformity_k3": 0.0}])
    assert list(conf) == names and conf["conformity_k3"].value == 0.5
