"""Headline metrics order the reference policies as the conventions README says.

Each task is built by its own @task function (small populations), every episode is played by
the task's Game under the direct driver with one reference policy for every agent, and the
registry's aggregate gives the headline. README, "Reference policies": on `naming_game` and
`naming_game_binary`, consensus(textbook) = consensus(selfish) > consensus(random) = 0; on
`committed_minority`, critical_fraction(textbook) = critical_fraction(selfish) < 1.0 =
critical_fraction(random) (random never tips: censored above the largest tested fraction).
"""

from __future__ import annotations

from typing import Any

import pytest

from collective_bench.benchmarks.conventions import policies as conventions_policies
from collective_bench.benchmarks.conventions.game import NamingGame, NamingParams
from collective_bench.benchmarks.conventions.tasks import (
    committed_minority,
    naming_game,
    naming_game_binary,
)
from collective_bench.driver_direct import run_direct
from collective_bench.registry import get_spec as get_task
from collective_bench.scorers.conventions import committed_episode_metrics, naming_episode_metrics
from collective_bench.scorers.stats import Estimate

POLICIES = conventions_policies.POLICIES.policies


def _headline(task_name: str, task: Any, policy: str) -> Estimate:
    entry = get_task(task_name)
    metrics = committed_episode_metrics if task_name == "committed_minority" else (
        naming_episode_metrics)
    episodes = []
    for sample in task.dataset:
        game = NamingGame(NamingParams(**sample.metadata["params"]))
        traj = run_direct(game, sample.metadata["seed"], lambda _a: POLICIES[policy])
        asked = sum(1 for s in traj.steps for pair in s["pairs"] for a in pair
                    if a not in set(traj.summary["committed"]))
        episodes.append(metrics(traj.summary, traj.steps, asked, 0))
    return entry.aggregate(episodes)[entry.headline]


@pytest.mark.parametrize(("name", "build"), [("naming_game", naming_game),
                                             ("naming_game_binary", naming_game_binary)])
def test_consensus_orders_textbook_and_selfish_above_random(name, build) -> None:
    task = build(n_agents=8, episodes=6, max_rounds=40)
    got = {p: _headline(name, task, p) for p in ("textbook", "selfish", "random")}
    assert got["random"].value == 0.0
    for p in ("textbook", "selfish"):
        assert got[p].value >= 5 / 6 and got[p].n == 6
        assert got[p].value > got["random"].value


def test_critical_fraction_orders_textbook_and_selfish_below_random() -> None:
    task = committed_minority(n_agents=8, episodes=2, max_rounds=20, fractions="0.1,0.3,0.5")
    got = {p: _headline("committed_minority", task, p) for p in ("textbook", "selfish", "random")}
    assert got["random"].value == 1.0  # never tips: censored above 0.5
    for p in ("textbook", "selfish"):
        assert got[p].value < got["random"].value and got[p].value <= 0.5
