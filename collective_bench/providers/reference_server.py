"""`cbench serve-reference`: an OpenAI-compatible server that plays the reference policies.

It answers ``POST /v1/chat/completions`` with the move of a reference policy, read from the same
observation block the in-process reference provider reads, with usage counts. Seeded fault
injection (429 with Retry-After, 500, answers slower than any sane timeout, truncated bodies,
empty and off-format content) makes it a drill target for gateways and proxies, and lets our
tests drive the whole litellm path over real HTTP with counted faults.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from collective_bench.errors import UserError
from collective_bench.observation import find_block
from collective_bench.policies import known_policy_names, resolve_policy, task_policies
from collective_bench.reference.provider import NO_OBSERVATION, count_tokens
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


class _Server(ThreadingHTTPServer):
    # socketserver's default listen backlog is 5: a burst of a round's connections overflows it
    # and the kernel drops SYNs, which clients retry only after 1 s, 3 s, 7 s...
    request_queue_size = 1024


class ReferenceServer:
    """A threaded HTTP server on 127.0.0.1; `start()` returns at once, `stop()` shuts it down."""

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
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body go out as separate writes: without TCP_NODELAY, Nagle plus the
            # client's delayed ACK stall every response by ~40 ms
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:  # quiet by default
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    self._json(200, {"object": "list", "data": [
                        {"id": server.policy, "object": "model", "owned_by": "collective-bench"}]})
                elif self.path.rstrip("/") == "/stats":
                    self._json(200, server.snapshot())
                else:
                    self._json(404, {"error": {"message": f"no route {self.path}"}})

            def do_DELETE(self) -> None:
                if self.path.rstrip("/") == "/stats":  # a benchmark's warm-up is not counted
                    server.reset_stats()
                    self._json(200, server.snapshot())
                else:
                    self._json(404, {"error": {"message": f"no route {self.path}"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._json(404, {"error": {"message": f"no route {self.path}"}})
                    return
                server.handle_completion(self, body)

            def _json(self, status: int, payload: dict[str, Any],
                      headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self._handler = Handler
        self.httpd = _Server((host, port), Handler)
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
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
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, messages: list[dict[str, Any]]) -> tuple[str, int]:
        """The policy's answer to a chat and the prompt's token count."""
        texts = [m.get("content") or "" for m in messages]
        texts = [t if isinstance(t, str) else json.dumps(t) for t in texts]
        observation = None
        for message, text in zip(reversed(messages), reversed(texts), strict=True):
            if message.get("role") == "user":
                observation = find_block(text)
                if observation is not None:
                    break
        if observation is None or "task" not in observation:
            answer = NO_OBSERVATION
        else:
            task = str(observation["task"])
            prompt = "\n".join(texts)
            move = resolve_policy(task, self.policy)(
                observation, rng_for("reference", self.policy, prompt))
            answer = task_policies(task).format_answer(move)
        return answer, sum(count_tokens(t) for t in texts)

    def handle_completion(self, handler: Any, body: bytes) -> None:
        try:
            self._complete(handler, body)
        except (BrokenPipeError, ConnectionResetError):
            # the client gave up (its timeout fired during an injected slow answer)
            handler.close_connection = True

    def _complete(self, handler: Any, body: bytes) -> None:
        with self._lock:
            fault = self.faults.draw(self._rng)
            self.stats["requests"] += 1
            self.stats[fault] += 1
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            if self.first_request is None:
                self.first_request = time.monotonic()
        try:
            if self.latency:
                time.sleep(self.latency)
            if fault == "rate_limit":
                handler._json(429, {"error": {"message": "rate limited (injected)",
                                              "type": "rate_limit_error"}},
                              {"Retry-After": f"{self.faults.retry_after:g}"})
                return
            if fault == "server_error":
                handler._json(500, {"error": {"message": "internal error (injected)"}})
                return
            if fault == "slow":
                time.sleep(self.faults.slow_seconds)
            try:
                request = json.loads(body)
                messages = list(request["messages"])
            except (ValueError, KeyError, TypeError):
                handler._json(400, {"error": {"message": "body must be JSON with 'messages'"}})
                return
            content, prompt_tokens = self.answer(messages)
            if fault == "empty":
                content = ""
            elif fault == "off_format":
                content = OFF_FORMAT
            completion_tokens = count_tokens(content)
            payload = {
                "id": f"cmpl-{self.stats['requests']}",
                "object": "chat.completion",
                "created": 0,
                "model": str(request.get("model", self.policy)),
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": content}}],
                "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                          "total_tokens": prompt_tokens + completion_tokens},
            }
            if fault == "truncated":
                data = json.dumps(payload).encode()
                handler.send_response(200)
                handler.send_header("Content-Type", "application/json")
                handler.send_header("Content-Length", str(len(data)))
                handler.end_headers()
                handler.wfile.write(data[: len(data) // 2])
                handler.wfile.flush()
                handler.close_connection = True
                return
            handler._json(200, payload)
        finally:
            with self._lock:
                self._in_flight -= 1
                self.last_response = time.monotonic()
