"""`local/<name>`: a small language model on this machine, no key and no network.

The ModelAPI is inspect's own OpenAI-compatible provider (the `openai` client, its error
handling and usage accounting) pointed at a llama.cpp server this run starts (`server.py`) on
weights from the user cache (`weights.py`). What this class adds: the server's lifecycle, a
one-slot CPU default (1 thread, 1 slot, 1 connection: 2 threads stall badly on a shared 2-core
machine and parallel slots do not raise prompt throughput), the prompt prefix cache on every
request, cost 0, and the share of prompt tokens the server served from its prefix cache in each
output's metadata (`prompt_cache_share`), so that prompt layouts can be measured.
"""

from __future__ import annotations

from typing import Any

import anyio
from inspect_ai.model import ChatMessage, GenerateConfig, ModelOutput
from inspect_ai.model._model_call import ModelCall
from inspect_ai.model._providers.openai_compatible import OpenAICompatibleAPI
from inspect_ai.tool import ToolChoice, ToolInfo

from collective_bench.errors import UserError
from collective_bench.providers.local.server import LocalServer, ServerSettings, shared_server
from collective_bench.providers.local.weights import resolve

NO_KEY = "local-no-key"
MODEL_ARGS: dict[str, type] = {
    "threads": int, "n_parallel": int, "n_ctx": int, "port": int, "start_timeout": float,
    "timeout": int, "max_connections": int,
}
"""`-M` arguments and their types; any other is refused (the server would silently ignore it)."""


def parse_model_args(model_args: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(model_args) - set(MODEL_ARGS))
    if unknown:
        raise UserError(
            f"local models take no -M {unknown[0]}; they take {', '.join(MODEL_ARGS)}")
    parsed: dict[str, Any] = {}
    for name, value in model_args.items():
        try:
            parsed[name] = MODEL_ARGS[name](value)
        except (TypeError, ValueError):
            raise UserError(
                f"-M {name} must be a number, got {value!r}") from None
        if parsed[name] < (0 if name == "port" else 1):
            raise UserError(f"-M {name} must be {'>= 0' if name == 'port' else '>= 1'}, "
                            f"got {value!r}")
    return parsed


def cache_metadata(response: dict[str, Any]) -> dict[str, Any]:
    """Prompt tokens served from llama.cpp's prefix cache, from its `timings` or `usage`.

    llama.cpp reports `timings.cache_n` (reused) and `timings.prompt_n` (evaluated); OpenAI-style
    servers report `usage.prompt_tokens_details.cached_tokens` out of `usage.prompt_tokens`.
    """
    timings = response.get("timings") or {}
    usage = response.get("usage") or {}
    if "cache_n" in timings and "prompt_n" in timings:
        cached, total = int(timings["cache_n"]), int(timings["cache_n"]) + int(timings["prompt_n"])
    else:
        details = usage.get("prompt_tokens_details") or {}
        if details.get("cached_tokens") is None or not usage.get("prompt_tokens"):
            return {}
        cached, total = int(details["cached_tokens"]), int(usage["prompt_tokens"])
    metadata: dict[str, Any] = {"prompt_tokens_cached": cached, "prompt_tokens_total": total,
                                "prompt_cache_share": cached / total if total else 0.0}
    if "prompt_ms" in timings and "predicted_ms" in timings:
        metadata["server_seconds"] = (float(timings["prompt_ms"])
                                      + float(timings["predicted_ms"])) / 1000
    return metadata


class LocalAPI(OpenAICompatibleAPI):
    """inspect ModelAPI for `local/<catalog name>` or `local/<path to a .gguf>`."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),  # noqa: B008 - inspect's ModelAPI signature
        **model_args: Any,
    ) -> None:
        if base_url is not None:
            raise UserError("local models start their own server; drop --model-base-url")
        args = parse_model_args(model_args)
        # one connection per server slot: more would only queue inside the server
        self._connections = int(args.pop("max_connections", args.get("n_parallel", 1)))
        path = resolve(model_name)
        self._settings = ServerSettings(model_path=str(path), alias=model_name, **args)
        self._server: LocalServer = shared_server(self._settings)
        super().__init__(
            model_name=model_name,
            base_url=self._server.url,
            api_key=NO_KEY,
            config=config,
            service="local",
            client_timeout=float(self._settings.timeout),
        )

    def max_connections(self) -> int:
        return self._connections

    def connection_key(self) -> str:
        return f"local:{self._settings.model_path}"

    def service_model_name(self) -> str:
        return self.model_name

    def completion_params(self, config: GenerateConfig, tools: bool) -> dict[str, Any]:
        params = super().completion_params(config, tools)
        params["extra_body"] = {"cache_prompt": True, **params.get("extra_body", {})}
        return params

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput | tuple[ModelOutput | Exception, ModelCall]:
        if not self._server.running():  # closed or died: start it again, off the event loop
            self._server = await anyio.to_thread.run_sync(shared_server, self._settings)
            if self._server.url != self.base_url:
                self.base_url = self._server.url
                self.initialize()
        result = await super().generate(input, tools, tool_choice, config)
        output, call = result if isinstance(result, tuple) else (result, None)
        if isinstance(output, ModelOutput):
            if output.usage is not None:
                output.usage.total_cost = 0.0
            if call is not None and isinstance(call.response, dict):
                extra = cache_metadata(call.response)
                if extra:
                    output.metadata = {**(output.metadata or {}), **extra}
        return result

    async def aclose(self) -> None:
        await super().aclose()
        self._server.stop()
