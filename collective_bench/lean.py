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

This module touches two inspect internals (`Model._connection_concurrency`,
`record_and_check_model_usage`); `tests/runtime/test_lean_calls.py` fails if they change.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Protocol, runtime_checkable

from inspect_ai.model import ChatMessage, GenerateConfig, Model, ModelOutput

from collective_bench.errors import UserError

TRANSCRIPT_ENV = "CBENCH_TRANSCRIPT"
TRANSCRIPTS = ("full", "compact")


def transcript_mode() -> str:
    """`full` (every call an inspect ModelEvent, the default) or `compact`."""
    mode = os.environ.get(TRANSCRIPT_ENV, "full") or "full"
    if mode not in TRANSCRIPTS:
        raise UserError(f"{TRANSCRIPT_ENV}={mode!r} is not a transcript mode; use full or compact")
    return mode


@runtime_checkable
class LeanClient(Protocol):
    """One episode's direct line to a provider: answers a chat, reports usage in the output."""

    async def complete(self, input: list[ChatMessage], config: GenerateConfig) -> ModelOutput: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class SupportsLean(Protocol):
    """A ModelAPI that can open a LeanClient (our reference and litellm providers)."""

    def lean_client(self) -> LeanClient: ...


class LeanCaller:
    """Calls one model the compact way, for one episode."""

    def __init__(self, model: Model, client: LeanClient) -> None:
        self.model = model
        self.client = client
        # resolved once per episode, not per call: inspect's merge is a large part of its cost
        config: GenerateConfig = model._resolve_config(GenerateConfig())
        if config.max_tokens is None:
            config.max_tokens = model.api.max_tokens_for_config(config) or model.api.max_tokens()
        self.config = config

    async def generate(self, input: list[ChatMessage]) -> ModelOutput:
        from inspect_ai.hooks._hooks import emit_model_usage
        from inspect_ai.model._model import record_and_check_model_usage

        start = time.monotonic()
        async with self.model._connection_concurrency(self.config):
            output = await self.client.complete(input, self.config)
        if output.usage is not None:
            record_and_check_model_usage(self.model, output.usage, role=self.model.role,
                                         output=output)
            await emit_model_usage(str(self.model), output.usage, time.monotonic() - start)
        return output


_frozen = False


def _freeze_startup_heap() -> None:
    """Move what exists now (imports, the task, inspect's setup) out of the collector's view.

    A population round allocates thousands of short-lived objects, which triggers full
    collections that walk the whole heap: 300 ms pauses, measured, in the middle of a round
    whose calls are all in flight. Freezing the long-lived start-up heap once per process (the
    usual "freeze after start-up" pattern) makes those collections cost ~2 ms. The price: cyclic
    garbage that exists at that moment is never freed, which is small and once per process.
    """
    global _frozen
    if not _frozen:
        gc.freeze()
        _frozen = True


@asynccontextmanager
async def lean_callers(models: list[Model], enabled: bool) -> AsyncIterator[dict[int, LeanCaller]]:
    """LeanCallers by `id(model)` for the models that support it (none when not enabled).

    The clients (and their connection pools) live as long as the episode and are closed with it.
    """
    callers: dict[int, LeanCaller] = {}
    async with AsyncExitStack() as stack:
        if enabled:
            _freeze_startup_heap()
            for model in models:
                if id(model) in callers or not isinstance(model.api, SupportsLean):
                    continue
                client = model.api.lean_client()
                stack.push_async_callback(client.aclose)
                callers[id(model)] = LeanCaller(model, client)
        yield callers
