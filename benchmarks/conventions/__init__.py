"""Social conventions: the naming game and committed minorities."""

from __future__ import annotations

from benchmarks.conventions import policies as _policies
from benchmarks.conventions import tasks as _tasks
from benchmarks.conventions.calibration import CALIBRATION
from benchmarks.registry import TaskEntry, register, register_calibration
from collective_bench.policies import register_task_policies
from scorers.conventions import aggregate_committed, aggregate_naming

register_task_policies(_policies.POLICIES)
register_calibration(CALIBRATION)

# `make run`'s quick preset: a population of 12 and shorter caps (the protocol's defaults are
# N=24 and 100 / 40 population rounds); the same rules otherwise.
QUICK_NAMING = {"n_agents": 12, "max_rounds": 40, "episodes": 4}
QUICK_COMMITTED = {"n_agents": 12, "max_rounds": 30, "episodes": 2, "fractions": "0.17,0.34,0.5"}

NAMING_METRICS = (
    "consensus", "time_to_consensus", "final_agreement", "labels_in_use_final",
    "labels_in_use_mean", "success_rate", "invalid_rate",
)

register(TaskEntry(
    name="naming_game", family="conventions", version=_tasks.NAMING_VERSION,
    build=_tasks.naming_game, aggregate=aggregate_naming, headline="consensus",
    summary="24 agents, one random pair at a time, name one of W=10 labels: a convention?",
    metrics=NAMING_METRICS, suite_args=QUICK_NAMING,
))
register(TaskEntry(
    name="naming_game_binary", family="conventions", version=_tasks.NAMING_VERSION,
    build=_tasks.naming_game_binary, aggregate=aggregate_naming, headline="consensus",
    summary="The naming game with W=2 labels: consensus plus collective and individual bias.",
    metrics=NAMING_METRICS + (
        "collective_bias", "collective_bias_pvalue", "individual_bias", "individual_bias_pvalue",
    ), suite_args=QUICK_NAMING,
))
register(TaskEntry(
    name="committed_minority", family="conventions", version=_tasks.COMMITTED_VERSION,
    build=_tasks.committed_minority, aggregate=aggregate_committed, headline="critical_fraction",
    summary="A committed minority always names the alternative: does the convention tip?",
    metrics=("tipped", "time_to_tip", "alternative_share_final", "critical_fraction",
             "critical_fraction_censored", "invalid_rate"), suite_args=QUICK_COMMITTED,
))
