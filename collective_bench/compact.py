"""Compact transcripts: agents' calls go straight to the provider, not through `Model.generate`.

Why: inspect's `Model.generate` spends ~2.4 ms of CPU per call on bookkeeping (config merges,
a ModelEvent with deep copies of the input, the live event router, the sample buffer). A
population round is hundreds of calls in flight at once, so on a small machine that bookkeeping,
not the provider, sets the pace: ~150 calls/s at best, whatever `--max-connections` says.

With `CBENCH_TRANSCRIPT=compact` (`cbench run --transcript compact`) each call still holds a slot
of the model's connection pool (inspect's own semaphore, so `--max-connections` and per-role
limits mean the same), and its tokens and cost are still recorded into the sample and the eval
(token and cost limits, `stats.model_usage`, our results rows, progress hooks). What is left out
is the per-call ModelEvent: the log keeps the episode's trajectory (from which every prompt can
be rebuilt, since rendering is deterministic given the seed) and the raw text of every answer
that could not be read. `--cache` needs inspect's cache, so a cached run always uses the full
path.

This module touches inspect internals: `Model._resolve_config`, `Model._connection_concurrency`,
`record_and_check_model_usage`, `emit_model_usage`, and the concurrency registry
(`get_or_create_semaphore`, `adaptive_active`, `ModelName`, `model_concurrency_key`).
`pyproject.toml` pins inspect-ai below 0.4, and `tests/runtime/test_compact_calls.py` fails if
any of them changes.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import anyio
from inspect_ai.model import GenerateConfig, Model, ModelUsage

from collective_bench.errors import UserError

TRANSCRIPT_ENV = "CBENCH_TRANSCRIPT"
TRANSCRIPTS = ("full", "compact")


def transcript_mode() -> str:
    """`full` (every call an inspect ModelEvent, the default) or `compact`."""
    mode = os.environ.get(TRANSCRIPT_ENV, "full") or "full"
    if mode not in TRANSCRIPTS:
        raise UserError(f"{TRANSCRIPT_ENV}={mode!r} is not a transcript mode; use full or compact")
    return mode


Messages = list[dict[str, Any]]
"""A chat as OpenAI-style role/content dicts: what the wire format wants, no per-call objects.
A user message may carry an extra key `observation` (the game state, for scripted players)."""


@dataclass(frozen=True, slots=True)
class CompactAnswer:
    """One completion: its text, token counts and cost (None when the price is unknown)."""

    text: str
    input_tokens: int
    output_tokens: int
    cost: float | None


@runtime_checkable
class LeanClient(Protocol):
    """One episode's direct line to a provider."""

    async def complete(self, messages: Messages, config: GenerateConfig) -> CompactAnswer: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class SupportsLean(Protocol):
    """A ModelAPI that can open a LeanClient (our reference and litellm providers)."""

    def compact_client(self) -> LeanClient: ...


class CompactCaller:
    """Calls one model the compact way, for one episode.

    Per call it holds a connection slot, reports the call to inspect's hooks (the progress line
    counts calls there) and adds its tokens to a running total; `flush()` records that total
    into inspect's usage bookkeeping (sample and eval usage, token and cost limits) once per
    round. Recording per call was a third of the compact path's cost, and a round's calls are in
    flight together anyway, so a limit is noticed at the end of the round that crosses it.
    """

    def __init__(self, model: Model, client: LeanClient,
                 slots: AbstractAsyncContextManager[Any] | None) -> None:
        self.model = model
        self.client = client
        self._slots = slots
        self._name = str(model)
        # resolved once per episode, not per call: inspect's merge is a large part of its cost
        config: GenerateConfig = model._resolve_config(GenerateConfig())
        if config.max_tokens is None:
            config.max_tokens = model.api.max_tokens_for_config(config) or model.api.max_tokens()
        self.config = config
        self._calls = self._input = self._output = 0
        self._cost: float | None = 0.0

    @classmethod
    async def open(cls, model: Model, client: LeanClient) -> CompactCaller:
        return cls(model, client, await _static_slots(model))

    async def generate(self, messages: Messages) -> str:
        from inspect_ai.hooks._hooks import emit_model_usage

        start = time.monotonic()
        slots = self._slots
        if isinstance(slots, anyio.Semaphore):
            # a free slot is taken without anyio's two checkpoints (~9 us and a trip round
            # the event loop per call); a full semaphore still queues fairly
            try:
                slots.acquire_nowait()
            except anyio.WouldBlock:
                await slots.acquire()
            try:
                answer = await self.client.complete(messages, self.config)
            finally:
                slots.release()
        elif slots is not None:
            async with slots:
                answer = await self.client.complete(messages, self.config)
        else:  # adaptive connections: inspect's controller needs its own per-call bookkeeping
            async with self.model._connection_concurrency(self.config):
                answer = await self.client.complete(messages, self.config)
        self._calls += 1
        self._input += answer.input_tokens
        self._output += answer.output_tokens
        if self._cost is not None:
            self._cost = None if answer.cost is None else self._cost + answer.cost
        usage = ModelUsage(input_tokens=answer.input_tokens, output_tokens=answer.output_tokens,
                           total_tokens=answer.input_tokens + answer.output_tokens,
                           total_cost=answer.cost)
        await emit_model_usage(self._name, usage, time.monotonic() - start)
        return answer.text

    def flush(self) -> None:
        """Record the calls since the last flush; raises if that crosses a token or cost limit."""
        from inspect_ai.model._model import record_and_check_model_usage

        if not self._calls:
            return
        usage = ModelUsage(input_tokens=self._input, output_tokens=self._output,
                           total_tokens=self._input + self._output, total_cost=self._cost)
        self._calls = self._input = self._output = 0
        self._cost = 0.0
        record_and_check_model_usage(self.model, usage, role=self.model.role)


async def _static_slots(model: Model) -> AbstractAsyncContextManager[Any] | None:
    """The model's shared connection semaphore when its limit is fixed, else None.

    The same semaphore `Model._connection_concurrency` takes on its static path (same name, key
    and size), fetched once per episode instead of once per call.
    """
    from inspect_ai.model._model import ModelName, model_concurrency_key
    from inspect_ai.util._concurrency import adaptive_active, get_or_create_semaphore

    config = model._resolve_config(GenerateConfig())
    if config.batch or adaptive_active(config.adaptive_connections, config.max_connections,
                                       config.batch):
        return None
    limit = config.max_connections or model.api.max_connections()
    semaphore = await get_or_create_semaphore(str(ModelName(model)), limit,
                                              model_concurrency_key(model.api), True)
    slots: AbstractAsyncContextManager[Any] = semaphore.semaphore
    return slots


FREEZE_ABOVE = 100_000
"""Objects under the collector's watch above which an episode's start collects and freezes."""


def _freeze_long_lived_heap() -> None:
    """Collect, then move what is alive (imports, the task, inspect's setup) out of the
    collector's view, when much has appeared since the last time.

    A population round allocates thousands of short-lived objects, which triggers full
    collections that walk every object the collector watches: 130-300 ms pauses, measured, in
    the middle of a round whose calls are all in flight. Frozen objects are skipped by the
    collector (refcounting still frees them), so those collections cost a few ms. The check
    runs at each episode's start because a run keeps creating long-lived objects after the
    first episode (lazily built schemas, the log writer): 280,000 of them in the benchmark,
    which made one 131 ms pause per episode until this check. The price is one full collection
    when it triggers, at an episode's start, not mid-round.
    """
    if len(gc.get_objects()) > FREEZE_ABOVE:
        gc.collect()
        gc.freeze()


@asynccontextmanager
async def compact_callers(models: list[Model], enabled: bool
                          ) -> AsyncIterator[dict[int, CompactCaller]]:
    """CompactCallers by `id(model)` for the models that support it (none when not enabled).

    The clients (and their connection pools) live as long as the episode and are closed with it.
    """
    callers: dict[int, CompactCaller] = {}
    async with AsyncExitStack() as stack:
        if enabled:
            _freeze_long_lived_heap()
            for model in models:
                if id(model) in callers or not isinstance(model.api, SupportsLean):
                    continue
                client = model.api.compact_client()
                stack.push_async_callback(client.aclose)
                callers[id(model)] = await CompactCaller.open(model, client)
        try:
            yield callers
        except BaseException:
            # the episode failed: still record what its finished calls used, without letting
            # a limit error hide the original one
            for caller in callers.values():
                with suppress(Exception):
                    caller.flush()
            raise
        for caller in callers.values():
            caller.flush()
