"""inspect tasks of the conventions family: wiring only. Each task is declared once in
`spec.py`; rules in game.py, text in prompts.py, metric math in scorers/conventions.py."""

from __future__ import annotations

from typing import Any

from inspect_ai import Task, task

from collective_bench.benchmarks.conventions import spec
from collective_bench.task_builder import build_task


@task
def naming_game(**params: Any) -> Task:
    """Ashery et al. (2025): random pairs name one of W labels; does a convention emerge?"""
    return build_task(spec.NAMING_GAME, **params)


@task
def naming_game_binary(**params: Any) -> Task:
    """The W=2 naming game, where collective and individual bias are measured."""
    return build_task(spec.NAMING_GAME_BINARY, **params)


@task
def committed_minority(**params: Any) -> Task:
    """Centola et al. (2018) in LLM populations: does a committed minority tip a convention?"""
    return build_task(spec.COMMITTED_MINORITY, **params)
