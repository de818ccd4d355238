"""Which provider errors are worth retrying, and how long to wait.

Retry only what a retry can fix: rate limits, connection errors (including truncated bodies),
timeouts and 5xx. Anything else (bad request, auth, not found) fails at once with the provider's
message. A server's Retry-After is honoured; otherwise capped exponential backoff with jitter.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

MAX_BACKOFF = 30.0


def status_of(error: BaseException) -> int | None:
    code = getattr(error, "status_code", None)
    return int(code) if isinstance(code, int) else None


def is_retryable(error: BaseException) -> bool:
    from collective_bench.providers.http_transport import (
        ProviderConnectionError,
        ProviderHTTPError,
    )

    if isinstance(error, ProviderConnectionError):
        return True
    if isinstance(error, ProviderHTTPError):
        return error.status_code == 429 or error.status_code >= 500
    from litellm import exceptions as x

    if isinstance(error, (x.RateLimitError, x.Timeout, x.APIConnectionError,
                          x.InternalServerError, x.ServiceUnavailableError, x.BadGatewayError)):
        return True
    if isinstance(error, (x.AuthenticationError, x.BadRequestError, x.NotFoundError)):
        return False
    status = status_of(error)
    return status is not None and (status == 429 or status >= 500)


def retry_after(error: BaseException) -> float | None:
    """Seconds the server asked us to wait (Retry-After header), if it said."""
    headers: Any = getattr(error, "headers", None) or {}
    response = getattr(error, "response", None)
    if not headers and response is not None:
        headers = getattr(response, "headers", None) or {}
    for key in ("retry-after", "Retry-After"):
        value = headers.get(key) if hasattr(headers, "get") else None
        if value is not None:
            try:
                return max(0.0, float(value))
            except ValueError:
                return None
    return None


def backoff(attempt: int, rng: random.Random, base: float = 0.5) -> float:
    """Capped exponential backoff with full jitter (attempt counts from 1)."""
    return rng.uniform(0, min(MAX_BACKOFF, base * 2 ** (attempt - 1)))


@dataclass
class CallStats:
    """Calls, retries and failures per model, for progress lines and the run summary."""

    calls: int = 0
    retries: int = 0
    failures: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    _lock: Lock = field(default_factory=Lock, repr=False)

    def add(self, *, calls: int = 0, retries: int = 0, failures: int = 0,
            kind: str | None = None) -> None:
        with self._lock:
            self.calls += calls
            self.retries += retries
            self.failures += failures
            if kind:
                self.by_kind[kind] = self.by_kind.get(kind, 0) + 1


STATS: dict[str, CallStats] = {}


def stats_for(model: str) -> CallStats:
    return STATS.setdefault(model, CallStats())
