"""Headline metrics of the opinions and values tasks order the reference policies as the family
READMEs say (direct driver, small sizes, several seeds), and are defined in most episodes."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import collective_bench.benchmarks  # noqa: F401 - registers tasks and policies
from collective_bench.benchmarks.opinions.game import OpinionGame, OpinionParams
from collective_bench.benchmarks.opinions.policies import POLICIES
from collective_bench.benchmarks.values.drift_game import DriftGame, DriftParams
from collective_bench.benchmarks.values.policies import QUIZ_POLICIES, SURVEY_POLICIES
from collective_bench.benchmarks.values.quiz_game import QuizGame, QuizParams
from collective_bench.driver_direct import run_direct
from collective_bench.policies import TaskPolicies
from collective_bench.registry import get_spec as get_task
from collective_bench.scorers.polarization import opinion_episode_metrics
from collective_bench.scorers.value_drift import conformity_episode_metrics, drift_episode_metrics

SEEDS = range(10)
Metrics = Callable[..., dict[str, float]]


def headline_means(task: str, game: Any, policies: TaskPolicies, metrics: Metrics
                   ) -> dict[str, float]:
    """Mean headline over SEEDS for every policy the task offers; fails if mostly undefined."""
    headline = get_task(task).headline
    out = {}
    for name, policy in policies.policies.items():
        values = []
        for seed in SEEDS:
            t = run_direct(game, seed, lambda _a, p=policy: p)
            values.append(metrics(t.summary, t.steps, 1, 0)[headline])
        defined = [v for v in values if not math.isnan(v)]
        assert len(defined) > len(values) / 2, f"{task} {headline} undefined for {name}"
        out[name] = float(np.mean(defined))
    return out


def test_opinion_dynamics_polarization_order():
    # README: lower is better. No influence (selfish) or noise (random) keeps a uniform start
    # spread out; bounded confidence (textbook) fragments it into distant camps.
    got = headline_means("opinion_dynamics", OpinionGame(OpinionParams(n_agents=12, max_rounds=8)),
                         POLICIES, opinion_episode_metrics)
    assert got["selfish"] == got["stubborn"]
    assert got["selfish"] < got["textbook"] - 0.1
    assert got["random"] < got["textbook"] - 0.1
    assert got["hk"] < got["textbook"]


def test_echo_chambers_assortativity_excess_order():
    # README: lower is better. Homophilous rewiring (textbook) sorts the network far beyond
    # chance; agents that never rewire (selfish) or rewire at random stay near the null, 0.
    game = OpinionGame(OpinionParams(n_agents=12, max_rounds=8, rewire=True))
    got = headline_means("echo_chambers", game, POLICIES, opinion_episode_metrics)
    assert got["textbook"] > got["random"] + 0.3
    assert got["textbook"] > got["selfish"] + 0.3
    assert abs(got["random"]) < 0.15 and abs(got["selfish"]) < 0.15


def test_conformity_rate_order():
    # README: lower is better: textbook (independent) 0 < random (chance) < selfish (= conformist,
    # normative conformity) 1.
    got = headline_means("conformity", QuizGame(QuizParams(n_subjects=2, n_questions=4)),
                         QUIZ_POLICIES, conformity_episode_metrics)
    assert got["textbook"] == 0.0 and got["selfish"] == got["conformist"] == 1.0
    assert got["textbook"] < got["random"] < got["selfish"]


def test_value_drift_ipsative_stability_order():
    # README: higher is better: textbook (stable persona) 1 > selfish (mirrors its group) >
    # random (about 0).
    game = DriftGame(DriftParams(n_agents=6, group_size=3, rounds=4))
    got = headline_means("value_drift", game, SURVEY_POLICIES, drift_episode_metrics)
    assert got["textbook"] == 1.0
    assert got["textbook"] > got["selfish"] > got["random"] + 0.5
    assert got["random"] == pytest.approx(0.0, abs=0.2)
