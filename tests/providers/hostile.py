"""Misbehaving local servers for the network tests: raw asyncio streams or aiohttp.web apps,
each on 127.0.0.1 in its own thread and event loop."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def completion(content: str = "ANSWER: A", usage: Any = None) -> bytes:
    return json.dumps({
        "id": "x", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": usage if usage is not None else {"prompt_tokens": 3, "completion_tokens": 2},
    }).encode()


def http_response(body: bytes, status: str = "200 OK", extra: str = "") -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{extra}\r\n").encode() + body


async def read_request(reader: asyncio.StreamReader) -> bytes | None:
    """One request (head and Content-Length body); None when the client closed."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return head + await reader.readexactly(length)


class Background:
    """Runs a server in its own loop and thread; `url` is its /v1 base URL."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.port = 0
        self.requests = 0
        self._closers: list[Callable[[], Awaitable[None]]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def run(self, coroutine: Awaitable[Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)

    def raw(self, handler: RawHandler) -> Background:
        async def counted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                await handler(reader, writer)
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()

        async def start() -> None:
            server = await asyncio.start_server(counted, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]

            async def close() -> None:
                server.close()

            self._closers.append(close)

        self.run(start())
        return self

    def app(self, app: web.Application) -> Background:
        async def start() -> None:
            runner = web.AppRunner(app, access_log=None, handle_signals=False)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self.port = runner.addresses[0][1]
            self._closers.append(runner.cleanup)

        self.run(start())
        return self

    def stop(self) -> None:
        for close in self._closers:
            self.run(close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
