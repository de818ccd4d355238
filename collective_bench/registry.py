"""The task registry: one frozen `TaskSpec` per task, refusing duplicate names.

Families register their specs when `benchmarks` is imported (`load_benchmarks`); the runtime,
the CLI, `cbench scores` and the leaderboard read tasks only from here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from collective_bench.errors import UserError
from collective_bench.spec import TaskSpec

_TASKS: dict[str, TaskSpec] = {}


def register(spec: TaskSpec) -> TaskSpec:
    if spec.name in _TASKS and _TASKS[spec.name] is not spec:
        raise ValueError(f"task {spec.name!r} is already registered")
    _TASKS[spec.name] = spec
    return spec


def load_benchmarks() -> None:
    """Import the task families so that their specs and policies register."""
    importlib.import_module("collective_bench.benchmarks")


def all_specs() -> list[TaskSpec]:
    load_benchmarks()
    return [_TASKS[k] for k in sorted(_TASKS)]


def get_spec(name: str) -> TaskSpec:
    load_benchmarks()
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
    if entry.name in _CALIBRATIONS and _CALIBRATIONS[entry.name] is not entry:
        raise ValueError(f"calibration {entry.name!r} is already registered")
    _CALIBRATIONS[entry.name] = entry
    return entry


def all_calibrations() -> list[Calibration]:
    load_benchmarks()
    return [_CALIBRATIONS[k] for k in sorted(_CALIBRATIONS)]
