"""The task registry: one frozen entry per benchmark task, refusing duplicate names.

The CLI, `cbench scores` and the leaderboard read tasks from here; each entry knows how to build
the inspect Task, its version, and how its per-episode values aggregate into reported metrics.
"""

from __future__ import annotations

import inspect as pyinspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from inspect_ai import Task

from collective_bench.errors import UserError
from scorers.stats import Estimate

Aggregate = Callable[[Sequence[Mapping[str, float]]], dict[str, Estimate]]


@dataclass(frozen=True)
class TaskEntry:
    name: str
    family: str
    version: str
    build: Callable[..., Task]
    aggregate: Aggregate
    headline: str
    summary: str
    metrics: tuple[str, ...]
    suite_args: Mapping[str, Any] = field(default_factory=dict)
    """Task arguments used by the default suite (`cbench run` with no --task)."""

    @property
    def source_file(self) -> str:
        return str(pyinspect.getfile(pyinspect.unwrap(self.build)))

    def parameters(self) -> dict[str, Any]:
        """The task's parameters and their defaults, read from the @task signature."""
        sig = pyinspect.signature(self.build)
        return {n: p.default for n, p in sig.parameters.items()}


_TASKS: dict[str, TaskEntry] = {}


def register(entry: TaskEntry) -> TaskEntry:
    if entry.name in _TASKS:
        raise ValueError(f"task {entry.name!r} is already registered")
    _TASKS[entry.name] = entry
    return entry


def all_tasks() -> list[TaskEntry]:
    return [_TASKS[k] for k in sorted(_TASKS)]


def get_task(name: str) -> TaskEntry:
    try:
        return _TASKS[name]
    except KeyError:
        raise UserError(
            f"unknown task {name!r}; run 'cbench list' to see the tasks "
            f"({', '.join(sorted(_TASKS))})"
        ) from None


@dataclass(frozen=True)
class Calibration:
    """A `cbench calibrate <name>` entry: reproduce a known result under the direct driver."""

    name: str
    summary: str
    add_arguments: Callable[[Any], None]
    """(argparse parser) -> None: the calibration's own options."""
    run: Callable[[Any], dict[str, Any]]
    """(parsed args) -> the JSON-able result printed by --json."""
    render: Callable[[dict[str, Any]], str]
    """result -> a human-readable table."""


_CALIBRATIONS: dict[str, Calibration] = {}


def register_calibration(entry: Calibration) -> Calibration:
    if entry.name in _CALIBRATIONS:
        raise ValueError(f"calibration {entry.name!r} is already registered")
    _CALIBRATIONS[entry.name] = entry
    return entry


def all_calibrations() -> list[Calibration]:
    return [_CALIBRATIONS[k] for k in sorted(_CALIBRATIONS)]
