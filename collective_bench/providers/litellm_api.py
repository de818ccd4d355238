"""`litellm/<model>`: any of litellm's providers as an inspect ModelAPI.

litellm is imported on first use (it costs ~3 s). Each call reports tokens and cost; the cost
comes from litellm's bundled price map (never fetched) and is None when the model is not in it
(a user price file fills it: `--prices`). Retries happen here, not in inspect, so that the
server's Retry-After is honoured and attempts are capped per call (`-M max_attempts=N`).
Keys are read from the environment (`-M api_key_env=VAR`, or the provider's usual variable) and
never written into what inspect records.
"""

from __future__ import annotations

import asyncio
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
from collective_bench.providers.retry import backoff, is_retryable, retry_after, stats_for
from collective_bench.seeds import rng_for

DEFAULT_MAX_ATTEMPTS = 6
DEFAULT_TIMEOUT = 120.0
PLACEHOLDER_KEY = "no-key-needed"
SECRET_ARGS = ("api_key", "key", "token", "secret", "password", "authorization")


def is_secret_arg(name: str) -> bool:
    lowered = name.lower()
    return any(s in lowered for s in SECRET_ARGS) and not lowered.endswith("_env")


def _import_litellm() -> Any:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    return litellm


def call_cost(model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    """Dollars from the price map by token counts; None (never 0) for an unknown model."""
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
        self.extra = model_args
        self._rng = rng_for("litellm-backoff", model_name)

    def max_connections(self) -> int:
        return self._connections

    def connection_key(self) -> str:
        # one connection limit per endpoint, shared by every model served from it
        return f"litellm:{self.base_url or self.model_name.split('/')[0]}"

    def should_retry(self, ex: Exception) -> bool:
        return False  # retried in generate(), where Retry-After is honoured

    def _request(self, input: list[ChatMessage], config: GenerateConfig) -> dict[str, Any]:
        request: dict[str, Any] = {
            "model": self.model_name,
            "messages": [{"role": m.role, "content": m.text} for m in input],
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
        return request

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput, ModelCall]:
        litellm = _import_litellm()
        request = self._request(input, config)
        stats = stats_for(f"litellm/{self.model_name}")
        attempt = 0
        while True:
            attempt += 1
            stats.add(calls=1)
            try:
                response = await litellm.acompletion(**request, api_key=self._api_key)
                text = response.choices[0].message.content or ""
                break
            except Exception as error:
                if not is_retryable(error) or attempt >= self.max_attempts:
                    stats.add(failures=1, kind=type(error).__name__)
                    raise
                stats.add(retries=1, kind=type(error).__name__)
                wait = retry_after(error)
                await asyncio.sleep(wait if wait is not None else backoff(attempt, self._rng))
        usage = getattr(response, "usage", None)
        prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
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
            {"content": text, "attempts": attempt, "usage": output.usage.model_dump()},
        )
        return output, call
