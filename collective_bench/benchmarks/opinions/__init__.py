"""Opinions: opinion dynamics and echo chambers in populations (see README.md in this folder)."""

from __future__ import annotations

from collective_bench.benchmarks.opinions import policies as _policies
from collective_bench.benchmarks.opinions import spec as _spec  # noqa: F401 - registers the tasks
from collective_bench.benchmarks.opinions.calibration import CALIBRATION
from collective_bench.policies import register_task_policies
from collective_bench.registry import register_calibration

register_task_policies(_policies.POLICIES)
register_task_policies(_policies.REWIRE_POLICIES)
register_calibration(CALIBRATION)
