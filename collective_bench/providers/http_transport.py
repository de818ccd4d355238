"""A plain POST to an OpenAI-compatible `/chat/completions`, for compact transcripts.

Why not aiohttp, httpx or h11: at a round of hundreds of calls, the client's CPU per call is
what paces the round (its calls are serialised on one core). aiohttp spent ~0.2 ms per request
and h11 ~0.05 ms of parsing alone (measured, `perf/providers_throughput.py` and a profile),
against ~0.005 ms for the narrow reader here. What a chat completion needs from HTTP/1.1 is
small: one POST at a time per keep-alive connection, and a response body framed by
Content-Length, chunks or the connection's end; asyncio does TLS. `tests/providers/
test_http_wire.py` holds it to those cases.

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


MAX_HEAD = 64 * 1024
Answer = tuple[int, dict[str, str], bytes]
"""(status, headers with lower-case names, body)."""


class _BadResponse(Exception):
    pass


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection: one request at a time.

    The response reader covers HTTP/1.1's three ways to end a body (Content-Length, chunked,
    the server closing) and skips 1xx interim answers; anything else is a broken answer.
    """

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.lost = False
        self._waiter: asyncio.Future[Answer] | None = None
        self._buffer = bytearray()
        self._answered = False
        self._eof = False
        self._framing: str | None = None
        self._length = 0
        self._status = 0
        self._headers: dict[str, str] = {}
        self._chunks: list[bytes] = []
        self._keep_alive = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._answered = True
        self._buffer += data
        self._advance()

    def eof_received(self) -> bool:
        self._eof = True
        self._advance()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = self._eof = True
        self._advance()  # a body that ends with the connection ends here
        self._fail(ConnectionError(f"connection closed{f': {exc}' if exc else ''}"))

    def _fail(self, error: ConnectionError) -> None:
        if self._waiter is not None and not self._waiter.done():
            if not self._answered:
                error = _StaleConnection(str(error))
            self._waiter.set_exception(error)

    def _advance(self) -> None:
        if self._waiter is None or self._waiter.done():
            return
        try:
            answer = self._read()
        except _BadResponse as error:
            self._keep_alive = False
            self._fail(ConnectionError(f"bad HTTP response: {error}"))
            return
        if answer is not None:
            self._waiter.set_result(answer)

    def _read(self) -> Answer | None:
        buffer = self._buffer
        while self._framing is None:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > MAX_HEAD:
                    raise _BadResponse("response head too large")
                if self._eof and self._answered:
                    raise _BadResponse("connection closed inside the response head")
                return None
            self._read_head(bytes(buffer[:end]).decode("latin-1").split("\r\n"))
            del buffer[:end + 4]
        if self._framing == "length":
            if len(buffer) < self._length:
                if self._eof:
                    raise _BadResponse("connection closed before the body ended")
                return None
            body = bytes(buffer[:self._length])
            del buffer[:self._length]
        elif self._framing == "chunked":
            done = self._read_chunks()
            if done is None:
                return None
            body = done
        else:  # the body runs to the end of the connection
            if not self._eof:
                return None
            body = bytes(buffer)
            buffer.clear()
        self._framing = None
        return self._status, self._headers, body

    def _read_head(self, lines: list[str]) -> None:
        version, _, rest = lines[0].partition(" ")
        if not version.startswith("HTTP/1.") or not rest[:3].isdigit():
            raise _BadResponse(f"status line {lines[0][:80]!r}")
        status = int(rest[:3])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon:
                raise _BadResponse(f"header line {line[:80]!r}")
            headers[name.strip().lower()] = value.strip()
        if 100 <= status < 200:
            return  # an interim answer (100 Continue): the real one follows
        connection = headers.get("connection", "").lower()
        self._keep_alive = (connection != "close" if version == "HTTP/1.1"
                            else connection == "keep-alive")
        if "chunked" in headers.get("transfer-encoding", "").lower():
            self._framing, self._chunks = "chunked", []
        elif "content-length" in headers:
            try:
                self._length = int(headers["content-length"])
            except ValueError:
                raise _BadResponse("Content-Length is not a number") from None
            if self._length < 0:
                raise _BadResponse(f"Content-Length {self._length} is negative")
            self._framing = "length"
        else:
            self._framing, self._keep_alive = "close", False
        self._status, self._headers = status, headers

    def _read_chunks(self) -> bytes | None:
        buffer = self._buffer
        while True:
            line_end = buffer.find(b"\r\n")
            if line_end < 0:
                break
            try:
                size = int(bytes(buffer[:line_end]).split(b";")[0].strip(), 16)
            except ValueError:
                raise _BadResponse("bad chunk size") from None
            if size == 0:  # the last chunk, then optional trailers and a blank line
                end = buffer.find(b"\r\n\r\n", line_end)
                if end < 0:
                    break
                del buffer[:end + 4]
                return b"".join(self._chunks)
            if len(buffer) < line_end + 4 + size:
                break
            self._chunks.append(bytes(buffer[line_end + 2:line_end + 2 + size]))
            del buffer[:line_end + 4 + size]
        if self._eof:
            raise _BadResponse("connection closed inside a chunked body")
        return None

    async def request(self, data: bytes) -> Answer:
        assert self.transport is not None
        if self.lost or self.transport.is_closing():
            raise _StaleConnection("the connection was closed while idle")
        self._waiter = asyncio.get_running_loop().create_future()
        self._answered = False
        self.transport.write(data)
        try:
            return await self._waiter
        finally:
            self._waiter = None

    def reusable(self) -> bool:
        return not self.lost and self._keep_alive and not self._buffer

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
        target = (url.path or "/") + (f"?{url.query}" if url.query else "")
        host = url.netloc.rpartition("@")[2]  # never send user:password@ as the Host
        headers = [f"POST {target} HTTP/1.1", f"Host: {host}",
                   "Content-Type: application/json", "Accept: application/json",
                   "User-Agent: collective-bench"]
        if api_key:
            headers.append(f"Authorization: Bearer {api_key}")
        if any(c in line for line in headers for c in "\r\n"):
            raise UserError("the base URL or API key holds a line break; remove it")
        self._head = ("\r\n".join(headers) + "\r\n").encode("latin-1")
        self._idle: list[_Connection] = []
        self._all: set[_Connection] = set()

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        _transport, connection = await loop.create_connection(
            _Connection, self._host, self._port, ssl=self._tls,
            server_hostname=self._host if self._tls else None)
        self._all.add(connection)
        return connection

    async def _exchange(self, body: bytes) -> Answer:
        data = self._head + b"Content-Length: %d\r\n\r\n" % len(body) + body
        while self._idle:  # a kept-alive connection the server may have closed meanwhile
            connection = self._idle.pop()
            if connection.lost:
                self._all.discard(connection)
                continue
            try:
                return self._finish(connection, await connection.request(data))
            except _StaleConnection:
                self._drop(connection)  # and try the next one, or a new one
            except BaseException:  # a broken answer, a timeout or a cancelled round
                self._drop(connection)
                raise
        connection = await self._connect()
        try:
            return self._finish(connection, await connection.request(data))
        except BaseException:
            self._drop(connection)
            raise

    def _finish(self, connection: _Connection, response: Answer) -> Answer:
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
        except (TimeoutError, OSError) as error:
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
