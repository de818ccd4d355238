"""Task family: values (value drift under discussion, conformity to peers; see README.md)."""

from __future__ import annotations

from collective_bench.benchmarks.values import policies as _policies
from collective_bench.benchmarks.values import spec as _spec  # noqa: F401 - registers the tasks
from collective_bench.policies import register_task_policies

register_task_policies(_policies.SURVEY_POLICIES)
register_task_policies(_policies.QUIZ_POLICIES)
