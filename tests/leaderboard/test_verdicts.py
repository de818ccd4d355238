"""Ranks, compare verdicts, p-values and risk statuses (leaderboard/stats.py) and the schema's
refusals that keep p-values out of rankings and risks."""

from __future__ import annotations

import pytest

from collective_bench.errors import UserError
from collective_bench.leaderboard.pages import assess
from collective_bench.leaderboard.releases import Run
from collective_bench.leaderboard.schema import RiskRule, Schema, parse_schema
from collective_bench.leaderboard.stats import (
    RISK_ORDER,
    Interval,
    difference,
    is_pvalue,
    pvalue_of,
    ranks,
    risk_status,
    verdict,
)
from collective_bench.leaderboard.view import score_cell

from .samples import RELEASE, RowFactory


def test_a_float_noise_difference_is_a_tie_not_a_verdict() -> None:
    # v0.1.0: two zero-width "intervals" 1e-16 apart were called "A better".
    a, b = Interval(0.6 + 1e-16, 0.6 + 1e-16, 0.6 + 1e-16), Interval(0.6, 0.6, 0.6)
    assert verdict(a, b, "higher") == "tie"
    # Real intervals whose bounds touch up to rounding are a tie too.
    touching = Interval(0.8, 0.3 + 0.4 + 1e-15, 0.9)
    assert verdict(touching, Interval(0.5, 0.4, 0.7), "higher") == "tie"
    assert ranks([touching, Interval(0.5, 0.4, 0.7)], "higher") == [1, 1]


def test_zero_width_intervals_are_never_distinguishable() -> None:
    # A zero-width CI comes from no finite sample; it is treated as no CI at all.
    point, spread = Interval(1.0, 1.0, 1.0), Interval(0.2, 0.1, 0.3)
    assert verdict(point, spread, "higher") == "tie"
    assert ranks([point, spread], "higher") == [1, 1]
    assert verdict(Interval(1.0, 0.9, 1.0), spread, "higher") == "A better"


def test_verdicts_follow_the_ranking_rule_and_direction() -> None:
    high, low = Interval(0.9, 0.85, 0.95), Interval(0.5, 0.3, 0.6)
    assert verdict(high, low, "higher") == "A better"
    assert verdict(high, low, "lower") == "B better"
    assert verdict(low, high, "higher") == "B better"
    assert verdict(high, low, "neutral") == "A higher"
    # Overlapping CIs: a tie, even where the normal-approximation difference excludes 0.
    a, b = Interval(0.70, 0.62, 0.78), Interval(0.55, 0.47, 0.63)
    d = difference(a, b)
    assert d is not None and d.low is not None and d.low > 0
    assert not d.distinguishable and verdict(a, b, "higher") == "tie"
    assert ranks([a, b], "higher") == [1, 1]
    assert verdict(Interval(None, None, None), b, "higher") == "not comparable"
    assert verdict(Interval(0.9, None, None), b, "higher") == "tie"


def test_pvalues_are_not_ranked_nor_compared() -> None:
    assert is_pvalue("collective_bias_pvalue") and not is_pvalue("collective_bias")
    assert pvalue_of("collective_bias_pvalue") == "collective_bias"
    assert pvalue_of("consensus") is None
    scores = [Interval(0.01, 0.005, 0.02), Interval(0.6, 0.5, 0.7)]
    assert ranks(scores, "higher", "collective_bias_pvalue") == [None, None]
    assert ranks(scores, "higher", "collective_bias") == [2, 1]
    assert verdict(scores[0], scores[1], "higher", "collective_bias_pvalue") == (
        "p-value (not compared)")


def test_schema_never_ranks_or_risks_a_pvalue() -> None:
    schema = parse_schema({"metrics": {"bias": {"direction": "lower"}}})
    assert schema.metric("bias_pvalue").direction == "neutral"
    assert Schema({}, {}).metric("x_pvalue").direction == "neutral"
    with pytest.raises(UserError, match="p-value is not a score"):
        parse_schema({"metrics": {"bias_pvalue": {"direction": "lower"}}})
    with pytest.raises(UserError, match="p-value"):
        parse_schema({"risks": [{"id": "r", "label": "r", "family": "f", "metric": "b_pvalue",
                                 "op": "<", "threshold": 0.05}]})


@pytest.mark.parametrize(("score", "op", "expected"), [
    # op ">": the risk is a value above 0.5
    (Interval(0.2, 0.1, 0.3), ">", "clear"),
    (Interval(0.2, 0.1, 0.5), ">", "clear"),  # touching is not crossing
    (Interval(0.4, 0.3, 0.6), ">", "inconclusive"),  # v0.1.0 said "clear"
    (Interval(0.6, 0.45, 0.7), ">", "possible"),
    (Interval(0.7, 0.6, 0.8), ">", "confident"),
    (Interval(0.4, None, None), ">", "inconclusive"),
    (Interval(0.4, 0.4, 0.4), ">", "inconclusive"),  # zero width: no usable CI
    (Interval(0.6, None, None), ">", "possible"),
    # op "<": the risk is a value below 0.5
    (Interval(0.8, 0.7, 0.9), "<", "clear"),
    (Interval(0.6, 0.4, 0.8), "<", "inconclusive"),
    (Interval(0.4, 0.3, 0.55), "<", "possible"),
    (Interval(0.2, 0.1, 0.3), "<", "confident"),
    (Interval(None, None, None), "<", "not measured"),
])
def test_risk_status(score: Interval, op: str, expected: str) -> None:
    assert risk_status(score, op, 0.5) == expected
    assert expected in RISK_ORDER


def test_a_pvalue_cell_shows_p_without_an_interval(make_row: RowFactory) -> None:
    pvalue = score_cell(make_row(metric="collective_bias_pvalue", value=0.031,
                                 ci_low=0.031, ci_high=0.031))
    assert pvalue.text == "p = 0.03" and "[" not in pvalue.text and "CI" not in pvalue.title
    metric = score_cell(make_row(metric="collective_bias", value=0.6, ci_low=0.5, ci_high=0.7))
    assert metric.text == "0.60 [0.50, 0.70]"


def test_model_card_risk_is_the_worst_status_over_runs(make_row: RowFactory) -> None:
    rule = RiskRule("collapse", "Commons collapse", "cooperation", "survival_rate", "<", 0.5, "")

    def run(value: float, low: float, high: float, task: str) -> Run:
        row = make_row("vendor/m", "survival_rate", value, ci_low=low, ci_high=high, task=task,
                       family="cooperation")
        return Run(RELEASE, (row,), ())

    safe, straddling = run(0.8, 0.7, 0.9, "commons"), run(0.6, 0.4, 0.8, "commons_talk")
    assert assess(rule, [safe]).status == "clear"
    found = assess(rule, [safe, straddling])  # v0.1.0 said "clear" here
    assert found.status == "inconclusive" and "commons_talk" in found.evidence
    assert assess(rule, [straddling, run(0.2, 0.1, 0.3, "commons")]).status == "confident"
    assert assess(rule, []).status == "not measured"
