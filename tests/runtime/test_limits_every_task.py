"""Every registered task survives a limit that stops its episodes in the first round: the
episode is scored as incomplete (all values undefined), never as a scorer error."""

from __future__ import annotations

import pytest
from inspect_ai import eval

import collective_bench.benchmarks  # noqa: F401 - registers the tasks
from collective_bench.registry import all_specs
from collective_bench.spec import TaskSpec
from collective_bench.task_builder import build_task


@pytest.mark.parametrize("entry", all_specs(), ids=lambda e: e.name)
def test_a_limit_hit_episode_is_incomplete_not_an_error(entry: TaskSpec, tmp_path) -> None:
    log = eval(build_task(entry, preset="quick"), model="reference/textbook",
               display="none", log_dir=str(tmp_path), token_limit=1)[0]
    assert log.status == "success"
    assert log.samples
    for sample in log.samples:
        assert sample.error is None, sample.error.message
        assert sample.limit is not None and sample.limit.type == "token"
        (score,) = sample.scores.values()
        assert score.metadata["complete"] is False
        assert score.value  # the same keys as a complete episode, every one undefined
        assert all(v is None for v in score.value.values())
