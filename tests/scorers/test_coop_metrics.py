"""Cooperation metrics against values computed by hand."""

from __future__ import annotations

import math

import pytest

from collective_bench.registry import get_spec
from collective_bench.scorers.cooperation import (
    commons_episode_metrics,
    decay_slope,
    efficiency,
    gini,
    normalized_welfare,
    over_usage,
)
from collective_bench.scorers.cooperation_pd import pd_episode_metrics
from collective_bench.scorers.cooperation_pg import pg_episode_metrics

PAY = {"T": 5, "R": 3, "P": 1, "S": 0}


def _declared(task: str) -> list[str]:
    spec = get_spec(task)
    return spec.metric_names(spec.resolve())


def test_gini_and_equality_by_hand():
    assert gini([10, 10, 10]) == 0.0
    # |1-3| counted twice over 2*n^2*mean = 2*4*2 -> 4/16
    assert gini([1, 3]) == pytest.approx(0.25)
    assert gini([0, 0, 0, 6]) == pytest.approx(36 / 48)  # 3 ordered pairs x 2 x 6 / (2*16*1.5)
    assert math.isnan(gini([0, 0]))


def test_efficiency_and_over_usage_by_hand():
    assert efficiency(600, 600) == 1.0
    assert efficiency(700, 600) == 1.0  # above the optimum is not penalised
    assert efficiency(150, 600) == pytest.approx(0.25)
    steps = [  # the share is the Game's, written into each harvest record
        {"stock": 100, "sustainable_share": 10, "request": [10, 11, -1, 0, 10]},  # 1 of 4 above
        {"stock": 60, "sustainable_share": 6, "request": [6, 7, 7, 5, 6]},  # two of 5 above
    ]
    assert over_usage(steps) == pytest.approx(3 / 9)


def test_commons_episode_by_hand():
    steps = [
        {"phase": "harvest", "stock": 100, "sustainable_share": 25, "request": [30, 10],
         "harvest": [30, 10], "remaining": 60, "after": 100, "collapsed": False},
        {"phase": "talk", "speaker": 1, "message": "hi"},
        {"phase": "talk", "speaker": 0, "message": None},
        {"phase": "harvest", "stock": 100, "sustainable_share": 25, "request": [98, -1],
         "harvest": [98, 0], "remaining": 2, "after": 0, "collapsed": True},
    ]
    summary = {"n_agents": 2, "months": 3, "capacity": 100, "max_sustainable_gain": 150}
    m = commons_episode_metrics(summary, steps, 6, 1)
    assert m["survival_time"] == 2 and m["survival_rate"] == 0
    assert m["total_gain"] == 138
    assert m["efficiency"] == pytest.approx(1 - (150 - 138) / 150)
    # gains 128 and 10: Gini = 2*118 / (2*4*69)
    assert m["equality"] == pytest.approx(1 - 236 / 552)
    # shares are 25 both months: 30 and 98 above, 10 not (the invalid one is not a request)
    assert m["over_usage"] == pytest.approx(2 / 3)
    assert m["invalid_rate"] == 1 / 6


def test_commons_aggregate_reports_every_metric_with_a_ci():
    eps = [{"survival_rate": v, "survival_time": 12 * v + 1, "total_gain": 1.0,
            "efficiency": 1.0, "equality": 1.0, "over_usage": 0.0, "invalid_rate": 0.0}
           for v in (0.0, 1.0, 1.0, 0.0)]
    out = get_spec("commons").aggregate(eps)
    assert list(out) == _declared("commons")
    assert out["survival_rate"].value == 0.5 and out["survival_rate"].n == 4
    assert out["survival_rate"].ci_low <= 0.5 <= out["survival_rate"].ci_high


def test_welfare_and_slope():
    assert normalized_welfare(1, 1, 3) == 0 and normalized_welfare(3, 1, 3) == 1
    assert normalized_welfare(2, 1, 3) == 0.5
    assert decay_slope([1.0, 0.8, 0.6, 0.4]) == pytest.approx(-0.2)
    assert decay_slope([1.0, 1.0, 1.0]) == 0.0 and math.isnan(decay_slope([0.5]))


def test_pd_reciprocity_and_forgiveness_by_hand():
    # agent 0 (played) meets scripted agent 1 (one_defection) every round.
    # partner: C C D C C ; agent: C C C D C  (tit-for-tat)
    partner = [1, 1, 0, 1, 1]
    agent = [1, 1, 1, 0, 1]
    steps = [{"round": r + 1, "pairs": [[0, 1]], "act": [agent[r], partner[r]],
              "pay": [0, 0]} for r in range(5)]
    summary = {"players": [0], "kinds": {"1": "one_defection"}, "payoffs": PAY}
    m = pd_episode_metrics(summary, steps, 5, 0)
    assert m["cooperation_rate"] == 0.8
    # after partner C (rounds 2, 3, 5): C, C, C -> 1; after partner D (round 4): D -> 0
    assert m["conditional_cooperation"] == 1.0
    # all four moves after an encounter return the partner's last move
    assert m["reciprocity"] == 1.0
    # the partner's last moves towards agent before round 5: C, D, C -> one event, agent C
    assert m["forgiveness"] == 1.0
    assert m["cooperation_vs_one_defection"] == 0.8
    assert "cooperation_vs_grim_trigger" not in m  # kinds come from the summary (the Game's)


def test_reciprocity_separates_unconditional_players_conditional_cooperation_does_not():
    # partner (tit-for-tat-like towards each): always-cooperate meets C C C C;
    # always-defect meets C D D D
    def episode(agent, partner):
        steps = [{"round": r + 1, "pairs": [[0, 1]], "act": [agent[r], partner[r]],
                  "pay": [0, 0]} for r in range(4)]
        return pd_episode_metrics({"players": [0], "payoffs": PAY}, steps, 4, 0)

    allc = episode([1, 1, 1, 1], [1, 1, 1, 1])
    alld = episode([0, 0, 0, 0], [1, 0, 0, 0])
    assert allc["reciprocity"] == 1.0  # returns C after C three times
    assert alld["reciprocity"] == pytest.approx(2 / 3)  # D after C once, D after D twice
    assert math.isnan(allc["conditional_cooperation"])  # never saw a D: undefined
    mixed = episode([0, 0, 0, 0], [1, 0, 1, 0])  # D after C, D, C: conditional is 0 - 0
    assert mixed["conditional_cooperation"] == 0.0 and mixed["reciprocity"] == pytest.approx(1 / 3)


def test_pd_welfare_payoffs_and_invalid_moves():
    steps = [
        {"round": 1, "pairs": [[0, 1], [2, 3]], "act": [1, 1, 0, 0], "pay": [3, 3, 1, 1]},
        {"round": 2, "pairs": [[0, 2], [1, 3]], "act": [1, -1, 0, 1], "pay": [0, 0, 5, 0]},
    ]
    summary = {"players": [0, 1, 2, 3], "payoffs": PAY}
    m = pd_episode_metrics(summary, steps, 8, 1)
    assert m["cooperation_rate"] == pytest.approx(4 / 8)
    assert m["payoff_per_round"] == pytest.approx(13 / 8)
    assert m["normalized_welfare"] == pytest.approx((13 / 8 - 1) / 2)
    assert m["cooperation_slope"] == pytest.approx(0.0)
    assert math.isnan(m["reciprocity"])  # no repeated encounter
    assert m["invalid_rate"] == 1 / 8
    assert "cooperation_vs_tit_for_tat" not in m


def test_partners_aggregate_has_the_breakdown():
    names = _declared("repeated_pd_partners")
    assert "cooperation_vs_tit_for_tat" in names
    eps = [{**dict.fromkeys(names, 0.5), "cooperation_vs_tit_for_tat": 1.0,
            "reciprocity": math.nan}]
    out = get_spec("repeated_pd_partners").aggregate(eps)
    assert list(out) == names
    assert out["cooperation_vs_tit_for_tat"].value == 1.0
    assert math.isnan(out["reciprocity"].value) and out["reciprocity"].n == 0


def test_pg_episode_by_hand():
    summary = {"endowment": 20, "group_size": 2, "mpcr": 0.75, "multiplier": 1.5,
               "punish": True}
    steps = [
        {"phase": "contribute", "contrib": [20, 10], "groups": [[0, 1]]},
        {"phase": "punish", "groups": [[0, 1]], "contrib": [20, 10], "points": [[2], [1]],
         "pay": [20 - 20 + 22.5 - 2 - 3, 20 - 10 + 22.5 - 1 - 6]},
        {"phase": "contribute", "contrib": [10, -1], "groups": [[0, 1]]},
        {"phase": "punish", "groups": [[0, 1]], "contrib": [10, -1], "points": [[0], None],
         "pay": [17.5, 27.5]},
    ]
    m = pg_episode_metrics(summary, steps, 4, 2)
    assert m["contribution_rate"] == pytest.approx((0.75 + 0.5) / 2)
    assert m["contribution_slope"] == pytest.approx(-0.25)
    # r = 1.5: welfare (mean pay - 20) / (20 * 0.5); mean pay = (17.5 + 25.5 + 17.5 + 27.5) / 4
    assert m["normalized_welfare"] == pytest.approx((22 - 20) / 10)
    assert m["punishment_rate"] == pytest.approx(2 / 3)
    # agent 1 (put in 10) gave 1 point to agent 0 (put in 20): antisocial; agent 0's 2 are not
    assert m["antisocial_punishment"] == pytest.approx(1 / 3)
    assert m["invalid_rate"] == 0.5


def test_group_size_effect():
    base = {"contribution_slope": 0.0, "normalized_welfare": 0.5, "invalid_rate": 0.0}
    eps = [{**base, "group_size": 4.0, "contribution_rate": 0.8},
           {**base, "group_size": 4.0, "contribution_rate": 0.6},
           {**base, "group_size": 16.0, "contribution_rate": 0.3}]
    aggregate = get_spec("public_goods").aggregate
    out = aggregate(eps)
    assert out["group_size_effect"].value == pytest.approx(0.3 - 0.7)
    assert out["contribution_rate"].value == pytest.approx(1.7 / 3)
    assert list(out) == _declared("public_goods") and "punishment_rate" not in out
    # one group size only: no effect to measure
    assert math.isnan(aggregate(eps[:2])["group_size_effect"].value)
    punish = [{**e, "punishment_rate": 0.5, "antisocial_punishment": math.nan} for e in eps]
    out = get_spec("public_goods_punish").aggregate(punish)
    assert list(out) == _declared("public_goods_punish")
    assert out["group_size_effect"].value == pytest.approx(0.3 - 0.7)
    assert out["punishment_rate"].value == 0.5 and out["antisocial_punishment"].n == 0
