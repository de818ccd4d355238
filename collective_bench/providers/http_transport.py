"""A plain POST to an OpenAI-compatible `/chat/completions`, for compact transcripts.

Why not aiohttp or httpx: at a round of hundreds of calls, the client's CPU per call is what
paces the round (its calls are serialised on one core), and aiohttp spends ~0.2 ms per request
(measured, `perf/providers_throughput.py`). Here each connection is an asyncio Protocol driving
h11 (python-hyper's HTTP/1.1 state machine, already installed by httpx): ~0.06 ms per request,
with keep-alive, chunked bodies and TLS handled by h11 and asyncio, not by hand.

Errors carry what the retry rules need: `status_code` and the response headers (Retry-After) for
HTTP errors, and a connection error for anything that broke on the wire (reset, truncated or
unreadable body, timeout), so `retry.is_retryable` treats them as litellm's own would be.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import h11

from collective_bench.errors import UserError


class ProviderHTTPError(Exception):
    """The endpoint answered with an HTTP error; the message is the provider's own."""

    def __init__(self, status_code: int, message: str, headers: Mapping[str, str]) -> None:
        super().__init__(f"HTTP {status_code}: {message}")
        self.status_code = status_code
        self.headers = dict(headers)


class ProviderConnectionError(Exception):
    """The call broke on the wire: worth a retry."""


class _StaleConnection(ConnectionError):
    """A kept-alive connection was gone before any byte of the answer came back."""


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection: one request at a time."""

    def __init__(self) -> None:
        self.http = h11.Connection(h11.CLIENT)
        self.transport: asyncio.Transport | None = None
        self.lost = False
        self._waiter: asyncio.Future[tuple[int, dict[str, str], bytes]] | None = None
        self._status = 0
        self._headers: dict[str, str] = {}
        self._body: list[bytes] = []
        self._answered = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._answered = True
        self.http.receive_data(data)
        self._pump()

    def eof_received(self) -> bool:
        self.http.receive_data(b"")
        self._pump()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self._fail(ConnectionError(f"connection closed{f': {exc}' if exc else ''}"))

    def _fail(self, error: ConnectionError) -> None:
        if self._waiter is not None and not self._waiter.done():
            if not self._answered:
                error = _StaleConnection(str(error))
            self._waiter.set_exception(error)

    def _pump(self) -> None:
        while self._waiter is not None and not self._waiter.done():
            try:
                event = self.http.next_event()
            except h11.RemoteProtocolError as error:
                self._fail(ConnectionError(f"bad HTTP response: {error}"))
                return
            if event is h11.NEED_DATA or event is h11.PAUSED:
                return
            if isinstance(event, h11.Response):
                self._status = event.status_code
                self._headers = {k.decode("latin-1"): v.decode("latin-1")
                                 for k, v in event.headers}
            elif isinstance(event, h11.Data):
                self._body.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                self._waiter.set_result((self._status, self._headers, b"".join(self._body)))
            elif isinstance(event, h11.ConnectionClosed):
                self._fail(ConnectionError("connection closed before the response ended"))

    async def request(self, head: h11.Request, body: bytes,
                      ) -> tuple[int, dict[str, str], bytes]:
        assert self.transport is not None
        if self.lost or self.transport.is_closing():
            raise _StaleConnection("the connection was closed while idle")
        self._waiter = asyncio.get_running_loop().create_future()
        self._status, self._headers, self._body, self._answered = 0, {}, [], False
        self.transport.write(self.http.send(head) + self.http.send(h11.Data(data=body))
                             + self.http.send(h11.EndOfMessage()))
        try:
            return await self._waiter
        finally:
            self._waiter = None

    def reusable(self) -> bool:
        if self.lost or self.http.our_state is not h11.DONE \
                or self.http.their_state is not h11.DONE:
            return False
        self.http.start_next_cycle()
        return True

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


class HTTPTransport:
    """Keep-alive connections to one endpoint; close them with `aclose()`.

    The pool is unbounded: inspect's per-model semaphore is what limits calls in flight.
    """

    def __init__(self, base_url: str, api_key: str | None) -> None:
        url = urlsplit(base_url.rstrip("/") + "/chat/completions")
        if url.scheme not in ("http", "https") or not url.hostname:
            raise UserError(f"--model-base-url {base_url!r} is not an http(s) URL; "
                            "give one like http://localhost:8000/v1")
        self._host = url.hostname
        self._port = url.port or (443 if url.scheme == "https" else 80)
        self._tls = ssl.create_default_context() if url.scheme == "https" else None
        self._target = (url.path or "/") + (f"?{url.query}" if url.query else "")
        self._headers = [("Host", url.netloc), ("Content-Type", "application/json"),
                         ("Accept", "application/json"), ("User-Agent", "collective-bench")]
        if api_key:
            self._headers.append(("Authorization", f"Bearer {api_key}"))
        self._idle: list[_Connection] = []
        self._all: set[_Connection] = set()

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        _transport, connection = await loop.create_connection(
            _Connection, self._host, self._port, ssl=self._tls,
            server_hostname=self._host if self._tls else None)
        self._all.add(connection)
        return connection

    async def _exchange(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        head = h11.Request(method="POST", target=self._target,
                           headers=[*self._headers, ("Content-Length", str(len(body)))])
        while self._idle:  # a kept-alive connection the server may have closed meanwhile
            connection = self._idle.pop()
            if connection.lost:
                self._all.discard(connection)
                continue
            try:
                return self._finish(connection, await connection.request(head, body))
            except _StaleConnection:
                self._drop(connection)  # and try the next one, or a new one
            except BaseException:  # a broken answer, a timeout or a cancelled round
                self._drop(connection)
                raise
        connection = await self._connect()
        try:
            return self._finish(connection, await connection.request(head, body))
        except BaseException:
            self._drop(connection)
            raise

    def _finish(self, connection: _Connection, response: tuple[int, dict[str, str], bytes],
                ) -> tuple[int, dict[str, str], bytes]:
        if connection.reusable():
            self._idle.append(connection)
        else:
            self._drop(connection)
        return response

    def _drop(self, connection: _Connection) -> None:
        connection.close()
        self._all.discard(connection)

    async def chat(self, body: dict[str, Any], timeout: float) -> tuple[str, int, int]:
        """(content, prompt tokens, completion tokens) of one completion."""
        try:
            async with asyncio.timeout(timeout):
                status, headers, raw = await self._exchange(json.dumps(body).encode())
        except (TimeoutError, OSError, h11.LocalProtocolError) as error:
            raise ProviderConnectionError(f"{type(error).__name__}: {error}") from error
        if status >= 400:
            raise ProviderHTTPError(status, _message(raw), headers)
        try:
            payload = json.loads(raw)
            content = payload["choices"][0]["message"].get("content") or ""
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
            raise ProviderConnectionError(f"unreadable response body: {error}") from error
        usage = payload.get("usage") or {}
        return (str(content), int(usage.get("prompt_tokens") or 0),
                int(usage.get("completion_tokens") or 0))

    async def aclose(self) -> None:
        for connection in self._all:
            connection.close()
        self._all.clear()
        self._idle.clear()


def _message(raw: bytes) -> str:
    try:
        error = json.loads(raw).get("error")
        return str(error.get("message") if isinstance(error, dict) else error)
    except (ValueError, AttributeError):
        return raw[:300].decode(errors="replace")
