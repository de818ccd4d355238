"""Progress that tells the truth: per model, episodes done of planned, calls, retries, errors,
tokens and cost so far.

A run that looks stalled while it silently retries is the most common complaint about harnesses;
this line shows the retries as they happen. It is an inspect hook, enabled by `cbench run`
(CBENCH_PROGRESS=1), printed to stderr at most every few seconds and once at the end.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass

from inspect_ai.hooks import (
    Hooks,
    ModelUsageData,
    RunEnd,
    RunStart,
    SampleEnd,
    TaskStart,
    hooks,
)

from collective_bench.providers.retry import STATS

INTERVAL = 5.0

PLAN: dict[str, tuple[int, int]] = {}
"""model -> (episodes this command plays in all, episodes already finished in its log dir), set
by `cbench run` before the eval set starts: inspect announces tasks one at a time (one at a time
for a local model), so a denominator summed from task starts would keep growing."""


def plan(totals: dict[str, tuple[int, int]]) -> None:
    PLAN.clear()
    PLAN.update(totals)


@dataclass
class ModelProgress:
    planned: int = 0
    done: int = 0
    errors: int = 0
    calls: int = 0
    retries: int = 0
    retries_before: int = 0
    """Our provider's retry count (process-wide) when this run started."""
    capped_before: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float | None = 0.0

    def line(self, model: str) -> str:
        ours = (STATS[model].retries if model in STATS else 0) - self.retries_before
        retries = self.retries + ours
        cost = "unknown" if self.cost is None else f"${self.cost:.4f}"
        line = (f"[progress] {model}: {self.done}/{self.planned} episodes, {self.errors} errors, "
                f"{self.calls:,} calls, {retries:,} retries, {self.input_tokens:,} in / "
                f"{self.output_tokens:,} out tokens, {cost} so far")
        stats = STATS.get(model)
        capped = (stats.capped_retry_after if stats else 0) - self.capped_before
        if stats and capped > 0:
            line += (f"; Retry-After capped {capped}x (server asked up to "
                     f"{stats.longest_retry_after:g} s, waited {stats.retry_after_cap:g} s)")
        return line


@hooks(name="cbench_progress", description="Collective Bench progress lines per model")
class Progress(Hooks):
    def __init__(self) -> None:
        self.models: dict[str, ModelProgress] = {}
        self._task_model: dict[str, str] = {}
        self._planned: dict[tuple[str, str], int] = {}
        self._task_id: dict[str, str] = {}
        self._ended: set[tuple[str, str, str, int]] = set()
        self._last = 0.0

    def enabled(self) -> bool:
        return os.environ.get("CBENCH_PROGRESS") == "1"

    def _print(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < INTERVAL:
            return
        self._last = now
        for model, progress in sorted(self.models.items()):
            print(progress.line(model), file=sys.stderr, flush=True)

    def _progress(self, model: str) -> ModelProgress:
        if model not in self.models:
            stats = STATS.get(model)
            planned, done = PLAN.get(model, (0, 0))
            self.models[model] = ModelProgress(
                planned=planned, done=done,
                retries_before=stats.retries if stats else 0,
                capped_before=stats.capped_retry_after if stats else 0)
        return self.models[model]

    async def on_run_start(self, data: RunStart) -> None:
        # one hook object serves every run of the process: each run counts from its plan
        self.models.clear()
        self._task_model.clear()
        self._planned.clear()
        self._task_id.clear()
        self._ended.clear()

    async def on_task_start(self, data: TaskStart) -> None:
        samples = data.spec.dataset.samples or 0
        epochs = data.spec.config.epochs or 1
        self._task_model[data.eval_id] = data.spec.model
        self._task_id[data.eval_id] = data.spec.task_id
        # a task eval_set retries starts again under the same task_id: counted once, so the
        # denominator stays fixed
        self._planned[(data.spec.model, data.spec.task_id)] = samples * epochs
        progress = self._progress(data.spec.model)
        if data.spec.model in PLAN:
            progress.planned = PLAN[data.spec.model][0]
            return
        progress.planned = sum(
            n for (model, _task), n in self._planned.items() if model == data.spec.model)

    async def on_model_usage(self, data: ModelUsageData) -> None:
        progress = self._progress(data.model_name)
        progress.calls += 1
        progress.retries += data.retries
        progress.input_tokens += data.usage.input_tokens
        progress.output_tokens += data.usage.output_tokens
        if progress.cost is not None:
            cost = data.usage.total_cost
            progress.cost = None if cost is None else progress.cost + cost
        self._print()

    async def on_sample_end(self, data: SampleEnd) -> None:
        model = self._task_model.get(data.eval_id)
        if model is None:
            return
        progress = self._progress(model)
        if data.sample.error is not None:
            progress.errors += 1
            return
        # an episode a retry plays again after an error is one episode, counted when it ends
        key = (model, self._task_id.get(data.eval_id, ""), str(data.sample.id),
               data.sample.epoch)
        if key not in self._ended:
            self._ended.add(key)
            progress.done += 1
        self._print()

    async def on_run_end(self, data: RunEnd) -> None:
        self._print(force=True)
