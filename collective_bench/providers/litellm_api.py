"""`litellm/<model>`: any of litellm's providers as an inspect ModelAPI.

litellm is imported on first use (it costs ~3 s). Each call reports tokens and cost; the cost
comes from litellm's bundled price map (never fetched) and is None when the model is not in it
(a user price file fills it: `--prices`). Retries happen here, not in inspect, so that the
server's Retry-After is honoured (up to `-M max_retry_after`, default 60 s) and attempts are
capped per call (`-M max_attempts=N`). Every attempt has one deadline for the whole exchange
(`-M timeout=S`, else inspect's `--timeout`, else 120 s), which also holds against a server that
trickles its answer a byte at a time. Keys are read from the environment (`-M api_key_env=VAR`,
or the provider's usual variable), never written into what inspect records, and removed from
every error message (`providers/redact.py`).

Calls go through `litellm.acompletion`, except in compact transcripts (`collective_bench.compact`)
to an OpenAI-compatible endpoint named with `--model-base-url` (`openai/...`, `hosted_vllm/...`:
vLLM, Ollama, gateways, our reference server): those are POSTed with aiohttp over one pool per
endpoint (`providers/http_client.py`; `-M transport=litellm` keeps litellm). Why: litellm spends
~6 ms of CPU per call on request shaping and model-info lookups, which caps a population round
at ~150 calls/s on one core. The retry rules and the cost are the same either way.

The game's observation is sent to the endpoint only with `-M send_observation=true` (as the body
field `cbench_observation`, which `cbench serve-reference` reads); a real model gets only the
role/content messages a human participant would see.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
from typing import Any
from urllib.parse import unquote

import aiohttp
from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ModelUsage,
)
from inspect_ai.model._model_call import ModelCall
from inspect_ai.tool import ToolChoice, ToolInfo

from collective_bench.compact import CompactAnswer, Messages
from collective_bench.errors import UserError
from collective_bench.observation import observation_from_metadata, observation_of, wire_messages
from collective_bench.providers.http_client import Endpoint, ProviderTimeout, usage_counts
from collective_bench.providers.redact import redact, register_secret, strip_userinfo
from collective_bench.providers.retry import (
    DEFAULT_MAX_RETRY_AFTER,
    fault_kind,
    is_retryable,
    stats_for,
    wait_for,
)
from collective_bench.seeds import rng_for

DEFAULT_MAX_ATTEMPTS = 6
DEFAULT_TIMEOUT = 120.0
PLACEHOLDER_KEY = "no-key-needed"
SECRET_ARGS = ("api_key", "key", "token", "secret", "password", "authorization")
OPENAI_COMPATIBLE = ("openai", "hosted_vllm")
"""litellm prefixes whose endpoint, given a base URL, speaks OpenAI's /chat/completions."""
TRANSPORTS = ("auto", "litellm")
ENDPOINT_AUTH_ENV = "CBENCH_ENDPOINT_AUTH"
"""JSON {base URL without userinfo: "user:password"}: how `cbench run` hands URL credentials
to the provider without writing them into the log header (see `sweep.py`)."""


class ProviderError(Exception):
    """A provider call that failed for good; the message is redacted, the kind is counted."""

    def __init__(self, message: str, kind: str, status_code: int | None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status_code = status_code


def is_secret_arg(name: str) -> bool:
    lowered = name.lower()
    return any(s in lowered for s in SECRET_ARGS) and not lowered.endswith("_env")


def _import_litellm() -> Any:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    # httpx's pool, not litellm's aiohttp transport: httpcore drops an idle kept-alive
    # connection that became readable (a stray, unasked response); aiohttp's pool would hand
    # that response to the next call as its answer
    litellm.disable_aiohttp_transport = True
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


def _flag(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "1", "yes"):
        return True
    if str(value).lower() in ("false", "0", "no"):
        return False
    raise UserError(f"-M {name} must be true or false, got {value!r}")


def _positive(value: Any, name: str, minimum: float = 0.0) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not number >= minimum or number == float("inf"):
        raise UserError(f"-M {name} must be a number >= {minimum:g}, got {value!r}")
    return number


class LiteLLMAPI(ModelAPI):
    """inspect ModelAPI over `litellm.acompletion` (or aiohttp, for compact transcripts)."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),  # noqa: B008 - inspect's ModelAPI signature
        **model_args: Any,
    ) -> None:
        userinfo = None
        if base_url is not None:
            base_url, userinfo = strip_userinfo(base_url)
            userinfo = userinfo or json.loads(os.environ.get(ENDPOINT_AUTH_ENV) or "{}").get(
                base_url)
        register_secret(userinfo)
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
        register_secret(self._api_key)
        if userinfo and self._api_key:
            raise UserError("--model-base-url holds user:password and an API key is set too; "
                            "an endpoint takes one Authorization: keep one of them")
        if self._api_key is None and base_url is not None:
            self._api_key = PLACEHOLDER_KEY  # local OpenAI-compatible servers need no key
        self._userinfo = userinfo
        self.max_attempts = int(_positive(model_args.pop("max_attempts", DEFAULT_MAX_ATTEMPTS),
                                          "max_attempts", 1))
        self.timeout: float | None = (
            _positive(model_args.pop("timeout"), "timeout", 0.001)
            if "timeout" in model_args else None)
        self.max_retry_after = _positive(
            model_args.pop("max_retry_after", DEFAULT_MAX_RETRY_AFTER), "max_retry_after")
        self.send_observation = _flag(model_args.pop("send_observation", False),
                                      "send_observation")
        self._connections = int(_positive(model_args.pop("max_connections", 32),
                                          "max_connections", 1))
        transport = str(model_args.pop("transport", "auto"))
        if transport not in TRANSPORTS:
            raise UserError(
                f"-M transport must be one of {', '.join(TRANSPORTS)}, got {transport!r}")
        prefix, _, served_name = model_name.partition("/")
        compatible = base_url is not None and prefix in OPENAI_COMPATIBLE and bool(served_name)
        self.compact_transport = "http" if transport == "auto" and compatible else "litellm"
        self._served_name = served_name
        self.extra = model_args
        self._rng = rng_for("litellm-backoff", model_name)
        self._endpoint: Endpoint | None = None

    def max_connections(self) -> int:
        return self._connections

    def connection_key(self) -> str:
        # one connection limit per endpoint, shared by every model served from it
        return f"litellm:{self.base_url or self.model_name.split('/')[0]}"

    def should_retry(self, ex: Exception) -> bool:
        return False  # retried in generate(), where Retry-After is honoured

    def _basic_auth(self) -> str | None:
        """The Authorization value for a base URL's user:password, which is never recorded."""
        if not self._userinfo:
            return None
        user, _, password = self._userinfo.partition(":")
        value = aiohttp.BasicAuth(unquote(user), unquote(password)).encode()
        register_secret(value.removeprefix("Basic "))
        return value

    def _deadline(self, config: GenerateConfig) -> float:
        return float(self.timeout or config.timeout or DEFAULT_TIMEOUT)

    def _request(self, messages: Messages, config: GenerateConfig,
                 observation: dict[str, Any] | None) -> dict[str, Any]:
        request: dict[str, Any] = {"model": self.model_name, "messages": wire_messages(messages)}
        for name in ("max_tokens", "temperature", "top_p", "seed", "stop_seqs"):
            value = getattr(config, name, None)
            if value is not None:
                request["stop" if name == "stop_seqs" else name] = value
        request.update(self.extra)
        if self.send_observation and observation is not None:
            request["cbench_observation"] = observation
        return request

    async def _send(self, request: dict[str, Any], deadline: float) -> tuple[str, int, int]:
        """One attempt through litellm: (content, prompt tokens, completion tokens)."""
        litellm = _import_litellm()
        arguments = {k: v for k, v in request.items() if k != "cbench_observation"}
        if "cbench_observation" in request:
            arguments["extra_body"] = {**arguments.get("extra_body", {}),
                                       "cbench_observation": request["cbench_observation"]}
        if self.base_url:
            arguments["api_base"] = self.base_url
        basic = self._basic_auth()
        if basic:
            arguments["extra_headers"] = {**arguments.get("extra_headers", {}),
                                          "Authorization": basic}
        try:
            # litellm's own timeout is per read: a trickling server would never trip it
            async with asyncio.timeout(deadline):
                response = await litellm.acompletion(
                    **arguments, timeout=deadline, num_retries=0, max_retries=0,
                    api_key=self._api_key)
        except TimeoutError:
            raise ProviderTimeout(f"no complete answer within {deadline:g} s") from None
        prompt_tokens, completion_tokens = usage_counts(getattr(response, "usage", None))
        return response.choices[0].message.content or "", prompt_tokens, completion_tokens

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput, ModelCall]:
        messages: Messages = [{"role": m.role, "content": m.text} for m in input]
        request = self._request(messages, config, _observation_of_chat(input))
        deadline = self._deadline(config)
        text, prompt_tokens, completion_tokens, attempts = await self._complete(
            lambda: self._send(request, deadline))
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

    async def _complete(self, attempt_once: Any) -> tuple[str, int, int, int]:
        """(content, prompt tokens, completion tokens, attempts), retrying what can be.

        A call that fails for good raises ProviderError with a redacted message and no cause
        attached: litellm's and aiohttp's own exceptions can hold the key or the URL's password.
        """
        stats = stats_for(f"litellm/{self.model_name}")
        attempt = 0
        while True:
            attempt += 1
            stats.add(calls=1)
            try:
                text, prompt_tokens, completion_tokens = await attempt_once()
                break
            except Exception as error:  # noqa: BLE001 - classified, redacted, re-raised
                kind = fault_kind(error)
                retryable = is_retryable(error)
                if not retryable or attempt >= self.max_attempts:
                    stats.add(failures=1, kind=kind)
                    message = redact(f"{type(error).__name__}: {error}")
                    if retryable:
                        message += f" (gave up after {attempt} attempts)"
                    raise ProviderError(message, kind, getattr(error, "status_code", None)) \
                        from None
                stats.add(retries=1, kind=kind)
                wait = wait_for(error, attempt, self._rng, self.max_retry_after, stats)
            await asyncio.sleep(wait)
        return text, prompt_tokens, completion_tokens, attempt

    def compact_client(self) -> _LiteLLMCompactClient:
        """For compact transcripts (`collective_bench.compact`): a client over a shared pool."""
        _import_litellm()  # now, not in the middle of the first round (it takes ~3 s)
        endpoint = None
        if self.compact_transport == "http":
            if self._endpoint is None:
                self._endpoint = Endpoint.for_base_url(
                    str(self.base_url), self._api_key, authorization=self._basic_auth())
            endpoint = self._endpoint
        return _LiteLLMCompactClient(self, endpoint)


class _LiteLLMCompactClient:
    """One episode's handle; the aiohttp session behind it is shared per endpoint."""

    def __init__(self, api: LiteLLMAPI, endpoint: Endpoint | None) -> None:
        self.api = api
        self.endpoint = endpoint
        self._pool: Any = None

    async def complete(self, messages: Messages, config: GenerateConfig) -> CompactAnswer:
        api = self.api
        request = api._request(messages, config, _observation_of_messages(messages))
        deadline = api._deadline(config)
        endpoint = self.endpoint
        if endpoint is None:
            attempt = functools.partial(api._send, request, deadline)
        else:
            if self._pool is None:
                self._pool = endpoint.acquire()
            body = {**request, "model": api._served_name}
            attempt = functools.partial(endpoint.chat, self._pool, body, deadline)
        text, prompt_tokens, completion_tokens, _attempts = await api._complete(attempt)
        return CompactAnswer(text, prompt_tokens, completion_tokens,
                          call_cost(api.model_name, prompt_tokens, completion_tokens))

    async def aclose(self) -> None:
        if self.endpoint is not None and self._pool is not None:
            self._pool = None
            await self.endpoint.release()


def _observation_of_chat(messages: list[ChatMessage]) -> dict[str, Any] | None:
    """The observation of the latest user message that carries one (a re-ask may not)."""
    for message in reversed(messages):
        if message.role == "user":
            observation = observation_from_metadata(message.metadata)
            if observation is not None:
                return observation
    return None


def _observation_of_messages(messages: Messages) -> dict[str, Any] | None:
    observation = observation_of(messages)
    return dict(observation) if observation is not None else None
