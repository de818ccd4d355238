"""The opinions family's quick suite (`make run`) stays within 2,500 agent turns per model.

Every agent acts every round and no episode stops early, so turns per episode are exactly
n_agents x max_rounds (a reference model never needs a re-ask).
"""

from __future__ import annotations

import collective_bench.benchmarks  # noqa: F401 - registers every task
from collective_bench.registry import all_specs as all_tasks
from collective_bench.task_builder import build_task

BUDGET = 2500


def test_quick_suite_turns_within_budget():
    entries = [e for e in all_tasks() if e.family == "opinions"]
    assert {e.name for e in entries} == {"opinion_dynamics", "echo_chambers"}
    turns = 0
    for entry in entries:
        task = build_task(entry, preset="quick")
        for sample in task.dataset:
            params = sample.metadata["params"]
            turns += params["n_agents"] * params["max_rounds"]
    assert turns == 2 * 8 * 8 * 12 <= BUDGET
