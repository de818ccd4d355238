"""`cbench serve-reference`: an OpenAI-compatible server that plays the reference policies.

It answers ``POST /v1/chat/completions`` with the move of a reference policy, read from the same
observation block the in-process reference provider reads, with usage counts. Seeded fault
injection (429 with Retry-After, 500, answers slower than any sane timeout, truncated bodies,
empty and off-format content) makes it a drill target for gateways and proxies, and lets our
tests drive the whole litellm path over real HTTP with counted faults.

It is one asyncio event loop (in a background thread) speaking plain HTTP/1.1: a request is
read and time-stamped first, its answer computed while it waits, and sent `--latency-ms` after
its arrival, like a provider whose answers take L. A threaded `http.server` spent ~0.45 ms of
CPU per request, with its answer computed after the wait, which made the server, not the
client under test, the pace of a benchmark round (`perf/providers_throughput.py`).
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import threading
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass
from http import HTTPStatus
from typing import Any

from collective_bench.errors import UserError
from collective_bench.policies import known_policy_names
from collective_bench.providers.litellm_api import OBSERVATION_FIELD
from collective_bench.reference.provider import count_tokens, prompt_tokens, reference_answer
from collective_bench.seeds import rng_for

OFF_FORMAT = "Let me think about that for a while before I decide anything."


@dataclass(frozen=True)
class Faults:
    """Shares of requests that fail in each way (drawn per request from a seeded generator)."""

    rate_limit: float = 0.0
    server_error: float = 0.0
    slow: float = 0.0
    truncated: float = 0.0
    empty: float = 0.0
    off_format: float = 0.0
    retry_after: float = 1.0
    slow_seconds: float = 30.0
    seed: int = 0

    def __post_init__(self) -> None:
        shares = [self.rate_limit, self.server_error, self.slow, self.truncated, self.empty,
                  self.off_format]
        if any(not 0.0 <= s <= 1.0 for s in shares) or sum(shares) > 1.0:
            raise UserError("fault shares must each be in [0, 1] and sum to at most 1")

    def draw(self, rng: random.Random) -> str:
        u = rng.random()
        for name in ("rate_limit", "server_error", "slow", "truncated", "empty", "off_format"):
            share = float(getattr(self, name))
            if u < share:
                return name
            u -= share
        return "ok"


# a round's burst of new connections must not overflow the listen queue: the kernel would drop
# SYNs, which clients retry only after 1 s, 3 s, 7 s...
LISTEN_BACKLOG = 1024
Response = tuple[int, dict[str, Any], dict[str, str]]
"""(status, JSON payload, extra headers)."""


COMPUTE_SLICE = 0.001
"""Seconds of answer computing between two looks at the sockets."""
MAX_HEAD = 64 * 1024
MAX_BODY = 16 * 1024 * 1024


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class _Head:
    method: str
    target: str
    length: int
    keep_alive: bool
    size: int
    """Bytes of the request line and headers, blank line included."""


def _parse_head(raw: bytes) -> _Head:
    """A request's head, as far as this server needs it (RFC 9112, bodies by Content-Length).

    Why not h11: its state machine cost ~0.1 ms of the server's ~0.3 ms per request, and the
    server's CPU per request paces a benchmark round. What this server reads is narrow: a
    request line, Content-Length, Connection and Expect; chunked request bodies get 411.
    """
    lines = raw.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        raise _BadRequest(400, f"malformed request line {lines[0][:100]!r}")
    method, target, version = parts
    if version not in ("HTTP/1.1", "HTTP/1.0"):
        raise _BadRequest(505, f"{version[:20]!r} is not HTTP/1.0 or HTTP/1.1")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise _BadRequest(400, f"malformed header line {line[:100]!r}")
        headers[name.lower()] = value.strip()
    if "transfer-encoding" in headers:
        raise _BadRequest(411, "send the body with a Content-Length, not chunked")
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        raise _BadRequest(400, "Content-Length is not a number") from None
    if length < 0 or length > MAX_BODY:
        raise _BadRequest(413 if length > 0 else 400, f"Content-Length {length} out of range")
    connection = headers.get("connection", "").lower()
    keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
    return _Head(method, target, length, keep_alive, len(raw) + 4)


class _Connection(asyncio.Protocol):
    """One client connection: requests answered one at a time, in order (HTTP/1.1 keep-alive)."""

    def __init__(self, server: ReferenceServer) -> None:
        self.server = server
        self.transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._head: _Head | None = None
        self._pending: asyncio.TimerHandle | None = None
        self._busy = False
        self._keep_alive = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        self._pump()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        # the client gave up (its timeout fired during an injected slow answer)
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
            self.server._done()

    def _pump(self) -> None:
        while not self._busy and self.transport is not None:
            if self._head is None:
                end = self._buffer.find(b"\r\n\r\n")
                if end < 0:
                    if len(self._buffer) > MAX_HEAD:
                        self._refuse(_BadRequest(431, "request head too large"))
                    return
                try:
                    self._head = _parse_head(bytes(self._buffer[:end]))
                except _BadRequest as error:
                    self._refuse(error)
                    return
                if self._head.length and len(self._buffer) < self._head.size + self._head.length \
                        and b"100-continue" in self._buffer[:end].lower():
                    self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            head = self._head
            if len(self._buffer) < head.size + head.length:
                return
            body = bytes(self._buffer[head.size:head.size + head.length])
            del self._buffer[:head.size + head.length]
            self._head = None
            self._busy = True
            self._keep_alive = head.keep_alive
            self.server._dispatch(self, head.method, head.target, body)

    def _refuse(self, error: _BadRequest) -> None:
        self._keep_alive = False
        self.send((error.status, {"error": {"message": f"bad HTTP request: {error}"}}, {}))

    def later(self, when: float, response: Response, truncate: bool = False) -> None:
        """Send `response` at loop time `when` (the answer's latency), or now if that is past."""
        if self.transport is None:  # the client left while its answer was being computed
            self.server._done()
            return
        self._pending = asyncio.get_running_loop().call_at(
            when, self._send_pending, response, truncate)

    def _send_pending(self, response: Response, truncate: bool) -> None:
        self._pending = None
        self.server._done()
        self.send(response, truncate=truncate)

    def send(self, response: Response, truncate: bool = False) -> None:
        if self.transport is None:
            return
        status, payload, extra = response
        data = json.dumps(payload).encode()
        head = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}",
                "Content-Type: application/json", f"Content-Length: {len(data)}",
                *(f"{name}: {value}" for name, value in extra.items())]
        if not self._keep_alive:
            head.append("Connection: close")
        head_bytes = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        if truncate:  # the promised length, half the bytes, then hang up
            self.transport.write(head_bytes + data[: len(data) // 2])
            self.transport.close()
            return
        self.transport.write(head_bytes + data)
        if not self._keep_alive:
            self.transport.close()
            return
        self._busy = False
        self._pump()


class ReferenceServer:
    """An HTTP server on 127.0.0.1; `start()` returns at once, `stop()` shuts it down."""

    def __init__(self, port: int = 0, policy: str = "textbook", latency_ms: float = 0.0,
                 faults: Faults | None = None, host: str = "127.0.0.1") -> None:
        if policy not in known_policy_names():
            raise UserError(f"unknown policy {policy!r}; known: {', '.join(known_policy_names())}")
        if latency_ms < 0:
            raise UserError(f"--latency-ms must be >= 0, got {latency_ms}")
        self.policy = policy
        self.latency = latency_ms / 1000.0
        self.faults = faults or Faults()
        self.stats: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._rng = rng_for("server-faults", self.faults.seed)
        self._in_flight = 0
        self.max_in_flight = 0
        self.first_request: float | None = None
        self.last_response: float | None = None
        self._socket = socket.create_server((host, port), backlog=LISTEN_BACKLOG)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._work: deque[tuple[_Connection, float, str, bytes, int]] = deque()
        self._working = False

    @property
    def base_url(self) -> str:
        host, port = self._socket.getsockname()[:2]
        return f"http://{host!s}:{port}/v1"

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {**dict(self.stats), "max_in_flight": self.max_in_flight,
                    "first_request": self.first_request, "last_response": self.last_response,
                    "faults": asdict(self.faults)}

    def reset_stats(self) -> None:
        with self._lock:
            self.stats.clear()
            self.max_in_flight = self._in_flight
            self.first_request = self.last_response = None

    def start(self) -> ReferenceServer:
        loop = asyncio.new_event_loop()
        started = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            server = loop.run_until_complete(
                loop.create_server(lambda: _Connection(self), sock=self._socket))
            started.set()
            try:
                loop.run_forever()
            finally:
                server.close()
                loop.run_until_complete(server.wait_closed())
                loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=serve, daemon=True, name="serve-reference")
        self._thread.start()
        started.wait()
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop = self._thread = None
        self._socket.close()

    def answer(self, messages: list[dict[str, Any]],
               observation: dict[str, Any] | None = None) -> tuple[str, int]:
        """The policy's answer and the prompt's token count. The observation comes only from
        the request's `cbench_observation` field (a client opts in to send it), never from the
        prompt text."""
        texts = []
        for message in messages:
            text = message.get("content") or ""
            texts.append(text if isinstance(text, str) else json.dumps(text))
        return reference_answer(self.policy, observation, texts), prompt_tokens(texts)

    def _dispatch(self, connection: _Connection, method: str, target: str, body: bytes) -> None:
        path = target.split("?", 1)[0].rstrip("/")
        if method == "POST" and path == "/v1/chat/completions":
            self._complete(connection, body)
        elif method == "GET" and path == "/v1/models":
            connection.send((200, {"object": "list", "data": [
                {"id": self.policy, "object": "model", "owned_by": "collective-bench"}]}, {}))
        elif method == "GET" and path == "/stats":
            connection.send((200, self.snapshot(), {}))
        elif method == "DELETE" and path == "/stats":  # a benchmark's warm-up is not counted
            self.reset_stats()
            connection.send((200, self.snapshot(), {}))
        else:
            connection.send((404, {"error": {"message": f"no route {method} {target}"}}, {}))

    def _done(self) -> None:
        with self._lock:
            self._in_flight -= 1
            self.last_response = time.monotonic()

    def _complete(self, connection: _Connection, body: bytes) -> None:
        arrival = asyncio.get_running_loop().time()
        with self._lock:
            fault = self.faults.draw(self._rng)
            self.stats["requests"] += 1
            self.stats[fault] += 1
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            if self.first_request is None:
                self.first_request = time.monotonic()
            number = self.stats["requests"]
        when = arrival + self.latency + (self.faults.slow_seconds if fault == "slow" else 0.0)
        self._work.append((connection, when, fault, body, number))
        if not self._working:
            self._working = True
            asyncio.get_running_loop().call_soon(self._compute)

    def _compute(self) -> None:
        """Compute queued answers for up to `COMPUTE_SLICE` seconds, then let the loop read.

        Why queued: a round's requests arrive together, and computing each answer as it was
        read (parse, tokenise, play the policy: ~0.2 ms) made the last request of a 256-call
        burst wait ~50 ms to be read at all, so its latency started late. Reading comes first
        now and computing fills the wait, as a provider's own compute is part of its latency;
        an answer whose compute runs past its due time goes out when ready (an overloaded
        server is late, honestly).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + COMPUTE_SLICE
        while self._work:
            connection, when, fault, body, number = self._work.popleft()
            connection.later(when, self._response(fault, body, number),
                             truncate=fault == "truncated")
            if loop.time() >= deadline:
                break
        if self._work:
            loop.call_soon(self._compute)
        else:
            self._working = False

    def _response(self, fault: str, body: bytes, number: int) -> Response:
        if fault == "rate_limit":
            return (429, {"error": {"message": "rate limited (injected)",
                                    "type": "rate_limit_error"}},
                    {"Retry-After": f"{self.faults.retry_after:g}"})
        if fault == "server_error":
            return 500, {"error": {"message": "internal error (injected)"}}, {}
        try:
            request = json.loads(body)
            messages = list(request["messages"])
            observation = request.get(OBSERVATION_FIELD)
            content, n_prompt = self.answer(
                messages, observation if isinstance(observation, dict) else None)
        except (ValueError, KeyError, TypeError, AttributeError):
            return 400, {"error": {"message": "body must be JSON with 'messages'"}}, {}
        if fault == "empty":
            content = ""
        elif fault == "off_format":
            content = OFF_FORMAT
        completion_tokens = count_tokens(content)
        return 200, {
            "id": f"cmpl-{number}",
            "object": "chat.completion",
            "created": 0,
            "model": str(request.get("model", self.policy)),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": n_prompt, "completion_tokens": completion_tokens,
                      "total_tokens": n_prompt + completion_tokens},
        }, {}
