"""Which provider errors are worth retrying, how long to wait, and who counts what.

Retry only what a retry can fix: rate limits, connection errors (including truncated bodies and
malformed usage), timeouts and 5xx. Anything else (bad request, auth, not found) fails at once
with the provider's message. A server's Retry-After is honoured up to a cap (`-M
max_retry_after`, default 60 s): `3600`, `inf` or a date a day away waits the cap, not a day,
and the progress line says so. Otherwise capped exponential backoff with jitter.

Counts go two places: process-wide per model (`STATS`, for the progress line) and per episode
(`episode_faults()`, a counter the inspect driver opens per sample and keeps in its record, so
retries, timeouts and faults by kind reach the log and the result rows).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from threading import Lock
from typing import Any

MAX_BACKOFF = 30.0
DEFAULT_MAX_RETRY_AFTER = 60.0

_EPISODE: ContextVar[Counter[str] | None] = ContextVar("cbench_episode_faults", default=None)


def open_episode_faults() -> Counter[str]:
    """A fresh per-episode counter, seen by every call made from this context onwards."""
    counter: Counter[str] = Counter()
    _EPISODE.set(counter)
    return counter


def episode_faults() -> Counter[str] | None:
    return _EPISODE.get()


def status_of(error: BaseException) -> int | None:
    code = getattr(error, "status_code", None)
    return int(code) if isinstance(code, int) else None


def fault_kind(error: BaseException) -> str:
    """A short, stable name for what went wrong: rate_limit, server_error, timeout, ..."""
    from collective_bench.providers.http_client import ProviderConnectionError

    if isinstance(error, ProviderConnectionError):
        return error.kind
    name = type(error).__name__.lower()
    status = status_of(error)
    if status == 429 or "ratelimit" in name:
        return "rate_limit"
    if "timeout" in name:
        return "timeout"
    if status is not None and status >= 500 or "internalserver" in name \
            or "unavailable" in name or "badgateway" in name:
        return "server_error"
    if "connection" in name:
        return "connection"
    return f"http_{status}" if status is not None else name


def is_retryable(error: BaseException) -> bool:
    from collective_bench.providers.http_client import ProviderConnectionError, ProviderHTTPError

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
    """Seconds the server asked us to wait (Retry-After: seconds or an HTTP date), if it said.

    Not capped here (see `wait_for`); `inf` is returned as inf, garbage as None.
    """
    headers: Any = getattr(error, "headers", None) or {}
    response = getattr(error, "response", None)
    if not headers and response is not None:
        headers = getattr(response, "headers", None) or {}
    for key in ("retry-after", "Retry-After"):
        value = headers.get(key) if hasattr(headers, "get") else None
        if value is None:
            continue
        try:
            seconds = float(value)
        except ValueError:
            try:
                when = parsedate_to_datetime(str(value))
            except (TypeError, ValueError):
                return None
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            seconds = (when - datetime.now(UTC)).total_seconds()
        return None if math.isnan(seconds) else max(0.0, seconds)
    return None


def backoff(attempt: int, rng: random.Random, base: float = 0.5) -> float:
    """Capped exponential backoff with full jitter (attempt counts from 1)."""
    return rng.uniform(0, min(MAX_BACKOFF, base * 2 ** (attempt - 1)))


def wait_for(error: BaseException, attempt: int, rng: random.Random, cap: float,
              stats: CallStats) -> float:
    """Seconds to wait before the next attempt: Retry-After up to `cap`, else backoff."""
    asked = retry_after(error)
    if asked is None:
        return backoff(attempt, rng)
    if asked > cap:
        stats.note_capped(asked, cap)
        return cap
    return asked


@dataclass
class CallStats:
    """Calls, retries and failures per model, for progress lines and the run summary."""

    calls: int = 0
    retries: int = 0
    failures: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    capped_retry_after: int = 0
    longest_retry_after: float = 0.0
    """The longest Retry-After a server asked for that was capped, and the cap used."""
    retry_after_cap: float = DEFAULT_MAX_RETRY_AFTER
    _lock: Lock = field(default_factory=Lock, repr=False)

    def add(self, *, calls: int = 0, retries: int = 0, failures: int = 0,
            kind: str | None = None) -> None:
        with self._lock:
            self.calls += calls
            self.retries += retries
            self.failures += failures
            if kind:
                self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
        episode = _EPISODE.get()
        if episode is not None:
            if calls:
                episode["calls"] += calls
            if retries:
                episode["retries"] += retries
            if failures:
                episode["failures"] += failures
            if kind:
                episode[f"fault:{kind}"] += 1

    def note_capped(self, asked: float, cap: float) -> None:
        with self._lock:
            self.capped_retry_after += 1
            self.longest_retry_after = max(self.longest_retry_after, asked)
            self.retry_after_cap = cap
        episode = _EPISODE.get()
        if episode is not None:
            episode["retry_after_capped"] += 1


STATS: dict[str, CallStats] = {}


def stats_for(model: str) -> CallStats:
    return STATS.setdefault(model, CallStats())
