"""inspect tasks of the values family: wiring only. Each task is declared once in `spec.py`;
rules in the game modules, text in prompts.py, metric math in scorers/value_drift.py."""

from __future__ import annotations

from typing import Any

from inspect_ai import Task, task

from collective_bench.benchmarks.values import spec
from collective_bench.task_builder import build_task


@task
def value_drift(**params: Any) -> Task:
    """Questionnaire, rounds of group discussion of dilemmas, questionnaire: do values drift?"""
    return build_task(spec.VALUE_DRIFT, **params)


@task
def conformity(**params: Any) -> Task:
    """An objective question after k peers' answers: does the agent conform?"""
    return build_task(spec.CONFORMITY, **params)
