"""`cbench serve-reference`: an OpenAI-compatible server that plays the reference policies.

It answers ``POST /v1/chat/completions`` with the move of a reference policy and usage counts.
The policy reads the game's observation from the request body field ``cbench_observation`` only
(sent by our litellm provider with ``-M send_observation=true``); a request without it gets a
fixed "cannot see the game" answer, as a real model would have to play from the prose alone.

Seeded fault injection (429 with Retry-After, 500, answers slower than any sane timeout,
truncated bodies, empty and off-format content, malformed usage) makes it a drill target for
gateways and proxies, and lets our tests drive the whole litellm path over real HTTP with
counted faults.

It runs on aiohttp.web in a background thread's event loop, bound to 127.0.0.1 unless told
otherwise. A request is time-stamped on arrival and answered `--latency-ms` after it, like a
provider whose answers take L. An error inside a handler is a 500 for that request only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import socket
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from aiohttp import web

from collective_bench.errors import UserError
from collective_bench.policies import known_policy_names
from collective_bench.reference.provider import count_tokens, reference_answer
from collective_bench.seeds import rng_for

OFF_FORMAT = "Let me think about that for a while before I decide anything."
CANNOT_SEE = ("I cannot see the game: this server plays only when the client sends the "
              "observation (-M send_observation=true).")
FAULTS = ("rate_limit", "server_error", "slow", "truncated", "empty", "off_format", "bad_usage")
LISTEN_BACKLOG = 1024
"""A round's burst of new connections must not overflow the listen queue: the kernel would drop
SYNs, which clients retry only after 1 s, 3 s, 7 s..."""
MAX_BODY = 16 * 1024 * 1024

log = logging.getLogger(__name__)


def reference_answer_for(policy_name: str, observation: dict[str, Any] | None,
                         texts: list[str]) -> str:
    """The policy's answer to the observation a client sent (CANNOT_SEE without one)."""
    if not isinstance(observation, dict) or "task" not in observation:
        return CANNOT_SEE
    return reference_answer(policy_name, observation, texts)


@dataclass(frozen=True)
class Faults:
    """Shares of requests that fail in each way (drawn per request from a seeded generator)."""

    rate_limit: float = 0.0
    server_error: float = 0.0
    slow: float = 0.0
    truncated: float = 0.0
    empty: float = 0.0
    off_format: float = 0.0
    bad_usage: float = 0.0
    retry_after: float = 1.0
    slow_seconds: float = 30.0
    seed: int = 0

    def __post_init__(self) -> None:
        shares = [float(getattr(self, name)) for name in FAULTS]
        if any(not 0.0 <= s <= 1.0 for s in shares) or sum(shares) > 1.0:
            raise UserError("fault shares must each be in [0, 1] and sum to at most 1")
        if not 0.0 <= self.retry_after < float("inf") or not 0.0 <= self.slow_seconds < 1e6:
            raise UserError("--retry-after and --slow-seconds must be finite and >= 0")

    def draw(self, rng: random.Random) -> str:
        u = rng.random()
        for name in FAULTS:
            share = float(getattr(self, name))
            if u < share:
                return name
            u -= share
        return "ok"


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"error": {"message": message}}, status=status, headers=headers)


class ReferenceServer:
    """An HTTP server; `start()` returns once it listens, `stop()` shuts it down."""

    def __init__(self, port: int = 0, policy: str = "textbook", latency_ms: float = 0.0,
                 faults: Faults | None = None, host: str = "127.0.0.1") -> None:
        if policy not in known_policy_names():
            raise UserError(f"unknown policy {policy!r}; known: {', '.join(known_policy_names())}")
        if not 0 <= latency_ms < 1e7:
            raise UserError(f"--latency-ms must be a finite number >= 0, got {latency_ms}")
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
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        host, port = self._socket.getsockname()[:2]
        host = f"[{host}]" if ":" in str(host) else host
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

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY, middlewares=[self._contain])
        app.router.add_post("/v1/chat/completions", self._complete)
        app.router.add_get("/v1/models", self._models)
        app.router.add_get("/stats", self._stats)
        app.router.add_delete("/stats", self._reset)  # a benchmark's warm-up is not counted
        return app

    def start(self) -> ReferenceServer:
        loop = asyncio.new_event_loop()
        started = threading.Event()
        failure: list[BaseException] = []

        async def open_site() -> None:
            runner = web.AppRunner(self.app(), access_log=None, handle_signals=False)
            await runner.setup()
            await web.SockSite(runner, self._socket, backlog=LISTEN_BACKLOG).start()
            self._runner = runner

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(open_site())
            except BaseException as error:  # noqa: BLE001 - handed to the starting thread
                failure.append(error)
                started.set()
                return
            started.set()
            try:
                loop.run_forever()
            finally:
                if self._runner is not None:
                    loop.run_until_complete(self._runner.cleanup())
                loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=serve, daemon=True, name="serve-reference")
        self._thread.start()
        started.wait()
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop = self._thread = None
        self._socket.close()

    @web.middleware
    async def _contain(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Whatever a handler raises is a 500 for this request only; the server goes on."""
        try:
            response: web.StreamResponse = await handler(request)
            return response
        except web.HTTPException as error:
            if error.status in (404, 405):
                return _error(error.status, f"no route {request.method} {request.path}")
            return _error(error.status, error.reason)
        except (asyncio.CancelledError, ConnectionError):
            raise
        except Exception as error:  # noqa: BLE001 - a bad request must not stop the server
            with self._lock:
                self.stats["handler_errors"] += 1
            log.warning("serve-reference: %s on %s %s", type(error).__name__, request.method,
                        request.path)
            return _error(500, f"internal error: {type(error).__name__}")

    async def _models(self, request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [
            {"id": self.policy, "object": "model", "owned_by": "collective-bench"}]})

    async def _stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.snapshot())

    async def _reset(self, request: web.Request) -> web.Response:
        self.reset_stats()
        return web.json_response(self.snapshot())

    async def _complete(self, request: web.Request) -> web.StreamResponse:
        loop = asyncio.get_running_loop()
        arrival = loop.time()
        with self._lock:
            fault = self.faults.draw(self._rng)
            self.stats["requests"] += 1
            self.stats[fault] += 1
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            if self.first_request is None:
                self.first_request = time.monotonic()
            number = self.stats["requests"]
        try:
            body = await request.read()
            status, payload, headers = self._response(fault, body, number)
            slow = self.faults.slow_seconds if fault == "slow" else 0.0
            delay = arrival + self.latency + slow - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            data = json.dumps(payload).encode()
            if fault == "truncated":  # the promised length, half the bytes, then hang up
                response = web.StreamResponse(status=status)
                response.content_type = "application/json"
                response.content_length = len(data)
                await response.prepare(request)
                await response.write(data[: len(data) // 2])
                if request.transport is not None:
                    request.transport.close()
                return response
            return web.Response(body=data, status=status, headers=headers,
                                content_type="application/json")
        finally:
            with self._lock:
                self._in_flight -= 1
                self.last_response = time.monotonic()

    def _response(self, fault: str, body: bytes,
                  number: int) -> tuple[int, dict[str, Any], dict[str, str]]:
        if fault == "rate_limit":
            return (429, {"error": {"message": "rate limited (injected)",
                                    "type": "rate_limit_error"}},
                    {"Retry-After": f"{self.faults.retry_after:g}"})
        if fault == "server_error":
            return 500, {"error": {"message": "internal error (injected)"}}, {}
        try:
            request = json.loads(body)
            messages = [m for m in request["messages"] if isinstance(m, dict)]
        except (ValueError, KeyError, TypeError) as error:
            return 400, {"error": {"message": f"body must be JSON with 'messages' ({error})"}}, {}
        observation = request.get("cbench_observation")
        try:
            content = reference_answer_for(
                self.policy, observation, [str(m.get("content") or "") for m in messages])
        except UserError as error:  # a policy this task does not offer
            return 400, {"error": {"message": str(error)}}, {}
        prompt_tokens = sum(count_tokens(str(m.get("content") or "")) for m in messages)
        if fault == "empty":
            content = ""
        elif fault == "off_format":
            content = OFF_FORMAT
        completion_tokens = count_tokens(content)
        usage: dict[str, Any] = {"prompt_tokens": prompt_tokens,
                                 "completion_tokens": completion_tokens,
                                 "total_tokens": prompt_tokens + completion_tokens}
        if fault == "bad_usage":
            usage = {"prompt_tokens": -prompt_tokens or -1, "completion_tokens": "many"}
        return 200, {
            "id": f"cmpl-{number}",
            "object": "chat.completion",
            "created": 0,
            "model": str(request.get("model", self.policy)),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": usage,
        }, {}
