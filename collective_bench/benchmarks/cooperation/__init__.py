"""Cooperation: social dilemmas in populations (see README.md in this folder)."""

from __future__ import annotations

from collective_bench.benchmarks.cooperation import policies as _policies
from collective_bench.benchmarks.cooperation import spec as _spec  # noqa: F401 - registers the tasks
from collective_bench.policies import register_task_policies

for _entry in _policies.ALL_POLICIES:
    register_task_policies(_entry)
