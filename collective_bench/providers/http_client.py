"""Compact calls to an OpenAI-compatible `/chat/completions` over aiohttp.

One `aiohttp.ClientSession` (one connection pool) per endpoint and event loop, shared by every
episode that calls it: sockets are bounded by the calls in flight (inspect's per-model
semaphore), not by episodes x `--max-connections`. The session honours HTTP(S)_PROXY and
NO_PROXY, read once when it opens with aiohttp's own rules (`trust_env=True` would read them,
and `.netrc`, again in a worker thread on every request: two thread hops per call), and TLS is
aiohttp's. A session lives while some episode holds it
(`acquire`/`release`), so it is closed inside the loop that opened it.

Every call has one deadline for the whole exchange (`asyncio.timeout`), so a server that stalls
or trickles a byte a second still ends the call at `timeout`. Errors carry what the retry rules
need: `status_code` and the response headers (Retry-After) for HTTP errors; anything that broke
on the wire, timed out or came back unreadable (including malformed usage) is a
`ProviderConnectionError`, which is retried. Messages are redacted before they are raised.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from yarl import URL

from collective_bench.errors import UserError
from collective_bench.providers.redact import redact

MAX_BODY = 16 * 1024 * 1024
"""Bytes of a response body read at most: a larger answer is a fault, not a chat completion."""


class ProviderHTTPError(Exception):
    """The endpoint answered with an HTTP error; the message is the provider's own, redacted."""

    def __init__(self, status_code: int, message: str, headers: Mapping[str, str]) -> None:
        super().__init__(f"HTTP {status_code}: {redact(message)}")
        self.status_code = status_code
        self.headers = {k.lower(): v for k, v in headers.items() if k.lower() == "retry-after"}


class ProviderConnectionError(Exception):
    """The call broke on the wire, timed out or came back unreadable: worth a retry."""

    kind = "connection"


class ProviderTimeout(ProviderConnectionError):
    kind = "timeout"


class MalformedResponse(ProviderConnectionError):
    """A 200 whose body is not a chat completion, or whose usage is not two counts >= 0."""

    kind = "malformed"


def usage_counts(usage: Any) -> tuple[int, int]:
    """(prompt tokens, completion tokens) from a response's usage, or MalformedResponse.

    Missing usage is (0, 0), as providers that do not count send none; a count that is not a
    whole number >= 0 (a string, a negative, NaN, a bool) is refused, never coerced.
    """
    if usage is None:
        return 0, 0
    counts = []
    for key in ("prompt_tokens", "completion_tokens"):
        value = usage.get(key) if isinstance(usage, Mapping) else getattr(usage, key, None)
        if value is None:
            value = 0
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value) or value < 0 or value != int(value):
            raise MalformedResponse(f"usage {key} is {str(value)[:40]!r}, not a count >= 0")
        counts.append(int(value))
    return counts[0], counts[1]


class _NoStrayConnector(aiohttp.TCPConnector):
    """A TCPConnector that never reuses a kept-alive connection holding bytes nobody asked for.

    HTTP/1.1 has no way to tie a response to its request but order. aiohttp parses whatever
    arrives on an idle pooled connection and would give a stray response (a misbehaving server
    or proxy answering twice) to the next request sent on it: another agent's move. Such a
    connection is closed and another one taken. (aiohttp only checks this when a connection is
    released, so a stray that comes later, while the connection idles, got through.) Pinned by
    tests/providers/test_hostile_network.py, which fails if aiohttp renames `_get`.
    """

    async def _get(self, key: Any, traces: Any) -> Any:
        while True:
            connection = await super()._get(key, traces)
            protocol = None if connection is None else connection.protocol
            if connection is None or protocol is None or not protocol.should_close:
                return connection
            connection.close()


@dataclass
class _Pool:
    session: aiohttp.ClientSession
    proxy: URL | None
    proxy_auth: aiohttp.BasicAuth | None
    users: int = 0


def _env_proxy(url: str) -> tuple[URL | None, aiohttp.BasicAuth | None]:
    """The proxy HTTP(S)_PROXY/NO_PROXY give `url`, as aiohttp's `trust_env` would choose it."""
    try:
        return get_env_proxy_for_url(URL(url))
    except LookupError:  # no proxy for this URL
        return None, None


@dataclass
class Endpoint:
    """Where and how to POST chat completions; sessions are shared per (endpoint, loop)."""

    url: str
    headers: dict[str, str]
    _pools: dict[int, _Pool] = field(default_factory=dict, repr=False)

    @classmethod
    def for_base_url(cls, base_url: str, api_key: str | None,
                     authorization: str | None = None) -> Endpoint:
        url = base_url.rstrip("/") + "/chat/completions"
        parsed = urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise UserError(f"--model-base-url {redact(base_url)!r} is not an http(s) URL; "
                            "give one like http://localhost:8000/v1")
        headers = {"Accept": "application/json", "User-Agent": "collective-bench"}
        if api_key:
            if any(c in api_key for c in "\r\n"):
                raise UserError("the API key holds a line break; remove it")
            headers["Authorization"] = f"Bearer {api_key}"
        if authorization:  # a base URL's user:password, sent as Basic auth
            headers["Authorization"] = authorization
        return cls(url, headers)

    def acquire(self) -> _Pool:
        """The loop's shared session (opened on first use); synchronous, so two calls of one
        episode cannot both open one."""
        loop_id = id(asyncio.get_running_loop())
        pool = self._pools.get(loop_id)
        if pool is None or pool.session.closed:
            # no socket ceiling of its own: every call holds a slot of inspect's per-endpoint
            # semaphore (`--max-connections`), which bounds the sockets. A ceiling here (it was
            # the provider's default of 32) silently capped `--max-connections 256` at 32.
            connector = _NoStrayConnector(limit=0, limit_per_host=0,
                                             enable_cleanup_closed=True)
            session = aiohttp.ClientSession(connector=connector, trust_env=False,
                                            headers=self.headers, raise_for_status=False,
                                            auto_decompress=True)
            pool = self._pools[loop_id] = _Pool(session, *_env_proxy(self.url))
        pool.users += 1
        return pool

    async def release(self) -> None:
        loop_id = id(asyncio.get_running_loop())
        pool = self._pools.get(loop_id)
        if pool is None:
            return
        pool.users -= 1
        if pool.users <= 0:
            del self._pools[loop_id]
            await pool.session.close()

    async def chat(self, pool: _Pool, body: dict[str, Any],
                   timeout: float) -> tuple[str, int, int]:
        """(content, prompt tokens, completion tokens) of one completion, within `timeout`."""
        try:
            async with asyncio.timeout(timeout):
                async with pool.session.post(self.url, json=body, proxy=pool.proxy,
                                             proxy_auth=pool.proxy_auth) as response:
                    raw = await _read_capped(response)
                    status, headers = response.status, response.headers
        except TimeoutError:
            raise ProviderTimeout(f"no complete answer within {timeout:g} s") from None
        except (aiohttp.ClientError, OSError, ValueError) as error:
            # ValueError: aiohttp refuses some malformed framing (e.g. a bad chunk size) so
            raise ProviderConnectionError(redact(f"{type(error).__name__}: {error}")) from None
        if status >= 400:
            raise ProviderHTTPError(status, _message(raw), headers)
        try:
            payload = json.loads(raw)
            content = payload["choices"][0]["message"].get("content") or ""
            usage = payload.get("usage")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
            raise MalformedResponse(f"unreadable response body: {error}") from None
        prompt_tokens, completion_tokens = usage_counts(usage)
        return str(content), prompt_tokens, completion_tokens


async def _read_capped(response: aiohttp.ClientResponse) -> bytes:
    if response.content_length is not None and response.content_length > MAX_BODY:
        raise ProviderConnectionError(f"response body of {response.content_length} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(1 << 16):
        size += len(chunk)
        if size > MAX_BODY:
            raise ProviderConnectionError(f"response body over {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _message(raw: bytes) -> str:
    try:
        error = json.loads(raw).get("error")
        return str(error.get("message") if isinstance(error, dict) else error)[:500]
    except (ValueError, AttributeError):
        return raw[:300].decode(errors="replace")
