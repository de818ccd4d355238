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


@dataclass
class ModelProgress:
    planned: int = 0
    done: int = 0
    errors: int = 0
    calls: int = 0
    retries: int = 0
    retries_before: int = 0
    """Our provider's retry count (process-wide) when this run started."""
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float | None = 0.0

    def line(self, model: str) -> str:
        ours = (STATS[model].retries if model in STATS else 0) - self.retries_before
        retries = self.retries + ours
        cost = "unknown" if self.cost is None else f"${self.cost:.4f}"
        return (f"[progress] {model}: {self.done}/{self.planned} episodes, {self.errors} errors, "
                f"{self.calls:,} calls, {retries:,} retries, {self.input_tokens:,} in / "
                f"{self.output_tokens:,} out tokens, {cost} so far")


@hooks(name="cbench_progress", description="Collective Bench progress lines per model")
class Progress(Hooks):
    def __init__(self) -> None:
        self.models: dict[str, ModelProgress] = {}
        self._task_model: dict[str, str] = {}
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
            self.models[model] = ModelProgress(retries_before=stats.retries if stats else 0)
        return self.models[model]

    async def on_run_start(self, data: RunStart) -> None:
        # one hook object serves every run of the process: each run counts from zero
        self.models.clear()
        self._task_model.clear()

    async def on_task_start(self, data: TaskStart) -> None:
        samples = data.spec.dataset.samples or 0
        epochs = data.spec.config.epochs or 1
        self._task_model[data.eval_id] = data.spec.model
        self._progress(data.spec.model).planned += samples * epochs

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
        progress.done += 1
        if data.sample.error is not None:
            progress.errors += 1
        self._print()

    async def on_run_end(self, data: RunEnd) -> None:
        self._print(force=True)
