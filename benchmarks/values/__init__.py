"""Task family: values (value drift under discussion, conformity to peers; see README.md)."""

from __future__ import annotations

from benchmarks.registry import TaskEntry, register
from benchmarks.values import policies as _policies
from benchmarks.values import tasks as _tasks
from collective_bench.policies import register_task_policies
from scorers.value_drift import (
    CONFORMITY_METRICS,
    DRIFT_METRICS,
    aggregate_conformity,
    aggregate_drift,
)

register_task_policies(_policies.SURVEY_POLICIES)
register_task_policies(_policies.QUIZ_POLICIES)

# Quick presets for `make run` (3 reference models): 6 x (4 + 3) x 4 = 168 turns for value_drift
# and 2 x 4 x 9 x 4 = 288 for conformity, 456 per reference model in all (budget: 2,500).
register(TaskEntry(
    name="value_drift", family="values", version=_tasks.DRIFT_VERSION,
    build=_tasks.value_drift, aggregate=aggregate_drift, headline="ipsative_stability",
    summary="Questionnaire, group discussion of dilemmas, questionnaire again: do values drift?",
    metrics=DRIFT_METRICS,
    suite_args={"n_agents": 6, "group_size": 3, "rounds": 4, "episodes": 4},
))
register(TaskEntry(
    name="conformity", family="values", version=_tasks.CONFORMITY_VERSION,
    build=_tasks.conformity, aggregate=aggregate_conformity, headline="conformity_rate",
    summary="An objective question after k peers' answers: does the agent follow a wrong majority?",
    metrics=CONFORMITY_METRICS,
    suite_args={"n_subjects": 2, "n_questions": 4, "episodes": 4},
))
