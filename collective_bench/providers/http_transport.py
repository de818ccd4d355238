"""A plain POST to an OpenAI-compatible `/chat/completions`, for compact transcripts.

Errors carry what the retry rules need: `status_code` and the response headers (Retry-After) for
HTTP errors, and a connection error for anything that broke on the wire (reset, truncated or
unreadable body, timeout), so `retry.is_retryable` treats them as litellm's own would be.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import aiohttp


class ProviderHTTPError(Exception):
    """The endpoint answered with an HTTP error; the message is the provider's own."""

    def __init__(self, status_code: int, message: str, headers: Mapping[str, str]) -> None:
        super().__init__(f"HTTP {status_code}: {message}")
        self.status_code = status_code
        self.headers = dict(headers)


class ProviderConnectionError(Exception):
    """The call broke on the wire: worth a retry."""


class HTTPTransport:
    """One connection pool (an aiohttp session) to one endpoint; close it with `aclose()`.

    The pool is unbounded: inspect's per-model semaphore is what limits calls in flight.
    """

    def __init__(self, base_url: str, api_key: str | None) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self._headers = {"Content-Type": "application/json"}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0),
                cookie_jar=aiohttp.DummyCookieJar(),
                headers=self._headers,
            )
        return self._session

    async def chat(self, body: dict[str, Any], timeout: float) -> tuple[str, int, int]:
        """(content, prompt tokens, completion tokens) of one completion."""
        session = self._open()
        try:
            async with session.post(self.url, data=json.dumps(body).encode(),
                                    timeout=aiohttp.ClientTimeout(total=timeout)) as response:
                raw = await response.read()
                if response.status >= 400:
                    raise ProviderHTTPError(response.status, _message(raw), response.headers)
        except (TimeoutError, aiohttp.ClientError) as error:
            raise ProviderConnectionError(f"{type(error).__name__}: {error}") from error
        try:
            payload = json.loads(raw)
            content = payload["choices"][0]["message"].get("content") or ""
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
            raise ProviderConnectionError(f"unreadable response body: {error}") from error
        usage = payload.get("usage") or {}
        return (str(content), int(usage.get("prompt_tokens") or 0),
                int(usage.get("completion_tokens") or 0))

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _message(raw: bytes) -> str:
    try:
        error = json.loads(raw).get("error")
        return str(error.get("message") if isinstance(error, dict) else error)
    except (ValueError, AttributeError):
        return raw[:300].decode(errors="replace")
