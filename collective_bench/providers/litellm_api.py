"""`litellm/<model>`: any of litellm's providers as an inspect ModelAPI.

litellm is imported on first use (it costs ~3 s). Each call reports tokens and cost; the cost
comes from litellm's bundled price map (never fetched) and is None when the model is not in it
(a user price file fills it: `--prices`). Retries happen here, not in inspect, so that the
server's Retry-After is honoured and attempts are capped per call (`-M max_attempts=N`).
Keys are read from the environment (`-M api_key_env=VAR`, or the provider's usual variable) and
never written into what inspect records.

Calls go through `litellm.acompletion`, except in compact transcripts (`collective_bench.lean`)
to an OpenAI-compatible endpoint named with `--model-base-url` (`openai/...`, `hosted_vllm/...`:
vLLM, Ollama, gateways, our reference server): those are POSTed directly over the episode's own
keep-alive connections (`providers/http_transport.py`; `-M transport=litellm` keeps litellm).
Why: litellm spends ~6 ms of CPU per call on request shaping and model-info lookups, which caps
a population round at ~150 calls/s on one core, while a plain POST costs ~0.06 ms. The retry
rules and the cost are the same either way.
"""

from __future__ import annotations

import asyncio
import functools
import os
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ModelUsage,
)
from inspect_ai.model._model_call import ModelCall
from inspect_ai.tool import ToolChoice, ToolInfo

from collective_bench.errors import UserError
from collective_bench.lean import LeanAnswer, Messages
from collective_bench.observation import observation_from_metadata, observation_of, wire_messages
from collective_bench.providers.http_transport import HTTPTransport
from collective_bench.providers.retry import backoff, is_retryable, retry_after, stats_for
from collective_bench.seeds import rng_for

DEFAULT_MAX_ATTEMPTS = 6
DEFAULT_TIMEOUT = 120.0
PLACEHOLDER_KEY = "no-key-needed"
SECRET_ARGS = ("api_key", "key", "token", "secret", "password", "authorization")
OPENAI_COMPATIBLE = ("openai", "hosted_vllm")
"""litellm prefixes whose endpoint, given a base URL, speaks OpenAI's /chat/completions."""
TRANSPORTS = ("auto", "litellm")
OBSERVATION_FIELD = "cbench_observation"
"""Request field carrying the observation to `cbench serve-reference` (opt-in only)."""


def _flag(value: Any) -> bool:
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise UserError(f"-M send_observation must be true or false, got {value!r}")


NOT_SECRET_ARGS = ("max_tokens", "max_completion_tokens", "max_output_tokens",
                   "reasoning_tokens", "top_k", "stop_tokens")
"""Generation settings whose names merely contain a secret-sounding word."""


def is_secret_arg(name: str) -> bool:
    lowered = name.lower()
    if lowered.endswith("_env") or lowered in NOT_SECRET_ARGS:
        return False
    return any(s in lowered for s in SECRET_ARGS)


def _import_litellm() -> Any:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    return litellm


@functools.lru_cache(maxsize=65536)
def call_cost(model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    """Dollars from the price map by token counts; None (never 0) for an unknown model.

    Memoised on the exact counts (no linear-price assumption): populations repeat prompt sizes,
    and litellm's lookup costs ~1 ms. `--prices` registers models before the first call.
    """
    litellm = _import_litellm()
    try:
        prompt_cost, completion_cost = litellm.cost_per_token(
            model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
    except Exception:  # noqa: BLE001 - litellm raises plain Exception for unmapped models
        return None
    return float(prompt_cost + completion_cost)


class LiteLLMAPI(ModelAPI):
    """inspect ModelAPI over `litellm.acompletion`."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),  # noqa: B008 - inspect's ModelAPI signature
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, None, [], config)
        secret = [k for k in model_args if is_secret_arg(k)]
        if secret:
            raise UserError(
                f"pass keys through the environment, not -M {secret[0]}=...: model args are "
                f"written into the log. Use -M api_key_env=NAME_OF_VARIABLE instead"
            )
        key_env = model_args.pop("api_key_env", None)
        if key_env is not None and key_env not in os.environ:
            raise UserError(f"environment variable {key_env!r} (from -M api_key_env) is not set")
        self._api_key = api_key or (os.environ[key_env] if key_env else None)
        if self._api_key is None and base_url is not None:
            self._api_key = PLACEHOLDER_KEY  # local OpenAI-compatible servers need no key
        self.max_attempts = int(model_args.pop("max_attempts", DEFAULT_MAX_ATTEMPTS))
        if self.max_attempts < 1:
            raise UserError(f"-M max_attempts must be at least 1, got {self.max_attempts}")
        self._connections = int(model_args.pop("max_connections", 32))
        transport = str(model_args.pop("transport", "auto"))
        if transport not in TRANSPORTS:
            raise UserError(
                f"-M transport must be one of {', '.join(TRANSPORTS)}, got {transport!r}")
        prefix, _, served_name = model_name.partition("/")
        compatible = base_url is not None and prefix in OPENAI_COMPATIBLE and bool(served_name)
        self.lean_transport = "http" if transport == "auto" and compatible else "litellm"
        self._served_name = served_name
        # the reference server plays only if it is sent the observation; no other provider
        # may ever receive it (see collective_bench.observation)
        self.send_observation = _flag(model_args.pop("send_observation", False))
        self.extra = model_args
        self._rng = rng_for("litellm-backoff", model_name)

    def max_connections(self) -> int:
        return self._connections

    def connection_key(self) -> str:
        # one connection limit per endpoint, shared by every model served from it
        return f"litellm:{self.base_url or self.model_name.split('/')[0]}"

    def should_retry(self, ex: Exception) -> bool:
        return False  # retried in generate(), where Retry-After is honoured

    def _request(self, messages: Messages, config: GenerateConfig,
                 observation: dict[str, Any] | None = None) -> dict[str, Any]:
        request: dict[str, Any] = {
            "model": self.model_name,
            "messages": wire_messages(messages),
            "timeout": float(config.timeout or DEFAULT_TIMEOUT),
            "num_retries": 0,
            "max_retries": 0,
        }
        for name in ("max_tokens", "temperature", "top_p", "seed", "stop_seqs"):
            value = getattr(config, name, None)
            if value is not None:
                request["stop" if name == "stop_seqs" else name] = value
        if self.base_url:
            request["api_base"] = self.base_url
        request.update(self.extra)
        if self.send_observation and observation is not None:
            if self.lean_transport == "http":
                request[OBSERVATION_FIELD] = observation
            else:
                request["extra_body"] = {OBSERVATION_FIELD: observation}
        return request

    async def _send(self, request: dict[str, Any], transport: HTTPTransport | None,
                    ) -> tuple[str, int, int]:
        """One attempt: (content, prompt tokens, completion tokens)."""
        if transport is not None:
            body = {k: v for k, v in request.items()
                    if k not in ("api_base", "timeout", "num_retries", "max_retries")}
            body["model"] = self._served_name
            return await transport.chat(body, float(request["timeout"]))
        litellm = _import_litellm()
        response = await litellm.acompletion(**request, api_key=self._api_key)
        usage = getattr(response, "usage", None)
        return (response.choices[0].message.content or "",
                int(getattr(usage, "prompt_tokens", 0) or 0),
                int(getattr(usage, "completion_tokens", 0) or 0))

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput, ModelCall]:
        observation = next((observation_from_metadata(m.metadata) for m in reversed(input)
                            if m.role == "user" and observation_from_metadata(m.metadata)), None)
        request = self._request([{"role": m.role, "content": m.text} for m in input], config,
                                observation)
        text, prompt_tokens, completion_tokens, attempts = await self._complete(request, None)
        output = ModelOutput.from_content(model=self.model_name, content=text)
        output.usage = ModelUsage(
            input_tokens=prompt_tokens,
            output_tokens=completion_tokens,
            total_tokens=prompt_tokens + completion_tokens,
            total_cost=call_cost(self.model_name, prompt_tokens, completion_tokens),
        )
        # what inspect records: the request without any key, and the attempts it took
        call = ModelCall.create(
            {k: v for k, v in request.items() if not is_secret_arg(k)},
            {"content": output.completion, "attempts": attempts,
             "usage": output.usage.model_dump() if output.usage else None},
        )
        return output, call

    async def _complete(self, request: dict[str, Any], transport: HTTPTransport | None,
                        ) -> tuple[str, int, int, int]:
        """(content, prompt tokens, completion tokens, attempts), retrying what can be."""
        stats = stats_for(f"litellm/{self.model_name}")
        attempt = 0
        while True:
            attempt += 1
            stats.add(calls=1)
            try:
                text, prompt_tokens, completion_tokens = await self._send(request, transport)
                break
            except Exception as error:
                if not is_retryable(error) or attempt >= self.max_attempts:
                    stats.add(failures=1, kind=type(error).__name__)
                    raise
                stats.add(retries=1, kind=type(error).__name__)
                wait = retry_after(error)
                await asyncio.sleep(wait if wait is not None else backoff(attempt, self._rng))
        return text, prompt_tokens, completion_tokens, attempt

    def lean_client(self) -> _LiteLLMLeanClient:
        """For compact transcripts (`collective_bench.lean`): one episode's own pool."""
        _import_litellm()  # now, not in the middle of the first round (it takes ~3 s)
        transport = (HTTPTransport(str(self.base_url), self._api_key)
                     if self.lean_transport == "http" else None)
        return _LiteLLMLeanClient(self, transport)


class _LiteLLMLeanClient:
    def __init__(self, api: LiteLLMAPI, transport: HTTPTransport | None) -> None:
        self.api = api
        self.transport = transport

    async def complete(self, messages: Messages, config: GenerateConfig) -> LeanAnswer:
        api = self.api
        text, prompt_tokens, completion_tokens, _attempts = await api._complete(
            api._request(messages, config, observation_of(messages)), self.transport)
        return LeanAnswer(text, prompt_tokens, completion_tokens,
                          call_cost(api.model_name, prompt_tokens, completion_tokens))

    async def aclose(self) -> None:
        if self.transport is not None:
            await self.transport.aclose()
