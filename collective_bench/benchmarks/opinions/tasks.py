"""inspect tasks of the opinions family: wiring only. Each task is declared once in
`spec.py`; rules in game.py, text in prompts.py, metric math in scorers/polarization.py."""

from __future__ import annotations

from typing import Any

from inspect_ai import Task, task

from collective_bench.benchmarks.opinions import spec
from collective_bench.task_builder import build_task


@task
def opinion_dynamics(**params: Any) -> Task:
    """Chuang et al. (2024): agents on a network state positions on a statement."""
    return build_task(spec.OPINION_DYNAMICS, **params)


@task
def echo_chambers(**params: Any) -> Task:
    """The same discussion, but agents may swap a tie each round: do echo chambers form?"""
    return build_task(spec.ECHO_CHAMBERS, **params)
