"""Opinions: opinion dynamics and echo chambers in populations (see README.md in this folder)."""

from __future__ import annotations

from benchmarks.opinions import policies as _policies
from benchmarks.opinions import tasks as _tasks
from benchmarks.opinions.calibration import CALIBRATION
from benchmarks.registry import TaskEntry, register, register_calibration
from collective_bench.policies import register_task_policies
from scorers.polarization import ECHO_METRICS, METRICS, aggregate_echo, aggregate_opinions

register_task_policies(_policies.POLICIES)
register_task_policies(_policies.REWIRE_POLICIES)
register_calibration(CALIBRATION)

# Quick-suite presets (`make run`): the whole family stays within 2,500 agent turns per
# reference model: 8 episodes x 8 rounds x 12 agents = 768 turns per task, 1,536 in all
# (reference models never need a re-ask). 8 episodes = 2 contested + 2 factual topics, each in
# both framings.
QUICK = {"n_agents": 12, "max_rounds": 8, "episodes": 8}

register(TaskEntry(
    name="opinion_dynamics", family="opinions", version=_tasks.OPINION_VERSION,
    build=_tasks.opinion_dynamics, aggregate=aggregate_opinions, headline="polarization",
    summary="24 agents on a network state positions on a statement: consensus, drift or split?",
    metrics=METRICS, suite_args=dict(QUICK),
))
register(TaskEntry(
    name="echo_chambers", family="opinions", version=_tasks.ECHO_VERSION,
    build=_tasks.echo_chambers, aggregate=aggregate_echo, headline="assortativity_excess",
    summary="The same discussion, but agents may swap a tie each round: do echo chambers form?",
    metrics=ECHO_METRICS, suite_args=dict(QUICK),
))
