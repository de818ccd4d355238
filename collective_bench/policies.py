"""Registry of scripted reference policies, keyed by task and policy name.

Task families register their policies here (from ``benchmarks``); the reference provider looks
them up by the ``task`` field of the observation block. A policy is a pure function of the
observation and a seeded generator, so the same prompt always gets the same move.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from collective_bench.errors import UserError

Policy = Callable[[dict[str, Any], random.Random], Any]
"""(observation, rng) -> action."""


@dataclass(frozen=True)
class TaskPolicies:
    """The scripted players of one task and how their actions are written as answers."""

    task: str
    policies: dict[str, Policy]
    format_answer: Callable[[Any], str]


_REGISTRY: dict[str, TaskPolicies] = {}


def register_task_policies(entry: TaskPolicies) -> None:
    """Add a task's policies; a second registration under the same task name is refused."""
    if entry.task in _REGISTRY and _REGISTRY[entry.task] is not entry:
        raise ValueError(f"policies for task {entry.task!r} are already registered")
    _REGISTRY[entry.task] = entry


def load_benchmarks() -> None:
    """Import the task families so their policies and tasks register (plugin discovery)."""
    importlib.import_module("collective_bench.benchmarks")


def known_policy_names() -> list[str]:
    """Every policy name offered by at least one task (the valid `reference/<name>`s)."""
    load_benchmarks()
    return sorted({name for entry in _REGISTRY.values() for name in entry.policies})


def task_policies(task: str) -> TaskPolicies:
    load_benchmarks()
    try:
        return _REGISTRY[task]
    except KeyError:
        raise UserError(
            f"no reference policies for task {task!r}; known tasks: {', '.join(sorted(_REGISTRY))}"
        ) from None


def resolve_policy(task: str, name: str) -> Policy:
    """The policy `name` for `task`, or a UserError listing the names that task offers."""
    entry = task_policies(task)
    try:
        return entry.policies[name]
    except KeyError:
        raise UserError(
            f"reference policy {name!r} is not defined for task {task!r}; "
            f"use one of: {', '.join(sorted(entry.policies))}"
        ) from None
