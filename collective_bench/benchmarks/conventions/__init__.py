"""Social conventions: the naming game and committed minorities."""

from __future__ import annotations

from collective_bench.benchmarks.conventions import policies as _policies
from collective_bench.benchmarks.conventions import spec as _spec  # noqa: F401 - registers the tasks
from collective_bench.benchmarks.conventions.calibration import CALIBRATION
from collective_bench.policies import register_task_policies
from collective_bench.registry import register_calibration

register_task_policies(_policies.POLICIES)
register_calibration(CALIBRATION)
