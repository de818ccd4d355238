"""A task's aggregate: each metric by its kind, or by the task's special rule."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest

from collective_bench.scorers.aggregate import per_metric
from collective_bench.scorers.stats import Estimate, estimate


@dataclass(frozen=True)
class M:
    name: str
    kind: str
    bounds: tuple[float, float] | None = None
    per: str | None = None


EPISODES = [{"won": 1.0, "share": 0.5, "time": 3.0}, {"won": 0.0, "share": 1.0, "time": math.nan},
            {"won": 1.0, "share": 0.75, "time": 5.0}]


def test_each_metric_gets_the_interval_of_its_kind() -> None:
    out = per_metric([M("won", "binary"), M("share", "bounded", (0, 1)), M("time", "real")])(
        EPISODES)
    assert out["won"] == estimate([1, 0, 1], "binary")
    assert out["share"] == estimate([0.5, 1.0, 0.75], "bounded", (0, 1))
    assert out["time"] == estimate([3.0, 5.0], "real") and out["time"].n == 2


def test_a_special_rule_sees_every_episode() -> None:
    def best(episodes):
        return Estimate(max(e["time"] for e in episodes if not math.isnan(e["time"])),
                        math.nan, math.nan, len(episodes))

    out = per_metric([M("won", "binary"), M("time", "real")], {"time": best})(EPISODES)
    assert out["time"].value == 5.0 and out["time"].n == 3


def test_declaration_and_episode_function_must_agree() -> None:
    with pytest.raises(ValueError, match="undeclared"):
        per_metric([M("won", "binary")], {"other": lambda e: Estimate(0, 0, 0, 0)})
    with pytest.raises(ValueError, match="'missing' is declared but episode 0"):
        per_metric([M("missing", "real")])(EPISODES)


def test_a_per_parameter_metric_follows_the_values_the_run_had() -> None:
    episodes = [{"conf_k2": 1.0, "conf_k10": 0.0}, {"conf_k2": 0.0, "conf_k10": 0.0}]
    out = per_metric([M("conf_k", "binary", per="ks")])(episodes)
    assert list(out) == ["conf_k2", "conf_k10"]
    assert out["conf_k2"] == estimate([1, 0], "binary")
