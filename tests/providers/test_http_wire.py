"""HTTP/1.1 on the wire: the reference server's own parser and the compact client's transport.

Both were written for speed (see their module docstrings); these tests hold them to the parts
of HTTP that real clients, gateways and providers use: keep-alive and pipelining, Connection:
close, HTTP/1.0, Expect: 100-continue, chunked response bodies, stale kept-alive connections,
and clear refusals of what the server does not read.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time

import pytest

from collective_bench.providers.http_transport import (
    HTTPTransport,
    ProviderConnectionError,
    ProviderHTTPError,
)
from collective_bench.providers.reference_server import Faults

CHAT = json.dumps({"model": "textbook", "messages": [{"role": "user", "content": "hi"}]})


def raw_exchange(server, data: bytes, expect_responses: int = 1, timeout: float = 5.0) -> bytes:
    """Send raw bytes, read until `expect_responses` complete responses (or the server closes)."""
    host, port = server._socket.getsockname()[:2]
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(data)
        received = b""
        while received.count(b"HTTP/1.1 ") - received.count(b"HTTP/1.1 100 ") < expect_responses \
                or not _complete(received):
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        return received


def _complete(received: bytes) -> bool:
    head, sep, body = received.rpartition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return True


def post(body: str = CHAT, extra: str = "", version: str = "HTTP/1.1") -> bytes:
    return (f"POST /v1/chat/completions {version}\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body.encode())}\r\n{extra}\r\n{body}").encode()


def test_server_answers_pipelined_requests_in_order_on_one_connection(serve):
    server = serve(policy="textbook")
    first = json.dumps({"model": "a", "messages": [{"role": "user", "content": "one"}]})
    second = json.dumps({"model": "b", "messages": [{"role": "user", "content": "two"}]})
    out = raw_exchange(server, post(first) + post(second), expect_responses=2)
    assert out.count(b"HTTP/1.1 200 OK") == 2
    assert out.index(b'"model": "a"') < out.index(b'"model": "b"')
    assert b"Connection: close" not in out
    assert server.snapshot()["requests"] == 2


def test_server_closes_after_connection_close_and_http_1_0(serve):
    server = serve(policy="textbook")
    for request in (post(extra="Connection: close\r\n"), post(version="HTTP/1.0")):
        out = raw_exchange(server, request + post())  # a second request the server must not read
        assert out.count(b"HTTP/1.1 200 OK") == 1 and b"Connection: close" in out
    assert server.snapshot()["requests"] == 2


def test_server_sends_100_continue_before_the_body(serve):
    server = serve(policy="textbook")
    host, port = server._socket.getsockname()[:2]
    head, body = post(extra="Expect: 100-continue\r\n").split(b"\r\n\r\n", 1)
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(head + b"\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(body)
        assert b"HTTP/1.1 200 OK" in sock.recv(65536)


@pytest.mark.parametrize("request_bytes, status", [
    (b"POST /v1/chat/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411),
    (b"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: ten\r\n\r\n", 400),
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET /v1/models HTTP/2.0\r\n\r\n", 505),
    (b"GET /v1/models HTTP/1.1\r\nno colon here\r\n\r\n", 400),
    (b"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 5\r\n\r\nnope!", 400),
])
def test_server_refuses_what_it_does_not_read_with_a_status_and_a_reason(serve, request_bytes,
                                                                          status):
    server = serve(policy="textbook")
    out = raw_exchange(server, request_bytes)
    assert out.startswith(f"HTTP/1.1 {status} ".encode())
    assert b'"message": "' in out


def test_server_refuses_an_endless_head(serve):
    server = serve(policy="textbook")
    out = raw_exchange(server, b"GET /v1/models HTTP/1.1\r\nX: " + b"a" * 70_000)
    assert out.startswith(b"HTTP/1.1 431 ")


def test_a_client_hanging_up_on_a_slow_answer_is_not_left_in_flight(serve):
    server = serve(policy="textbook", faults=Faults(slow=1.0, slow_seconds=30))
    host, port = server._socket.getsockname()[:2]
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(post())
        deadline = time.monotonic() + 5
        while not server.snapshot().get("requests") and time.monotonic() < deadline:
            time.sleep(0.01)
    deadline = time.monotonic() + 5
    while server._in_flight and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.snapshot()["slow"] == 1 and server._in_flight == 0


def test_answers_wait_out_the_latency_from_arrival(serve):
    server = serve(policy="textbook", latency_ms=150)
    start = time.perf_counter()
    out = raw_exchange(server, post())
    assert b"200 OK" in out and time.perf_counter() - start >= 0.15


def _one_shot_server(responses: list[bytes], piece: int = 0,
                     received: list[bytes] | None = None) -> tuple[str, threading.Thread]:
    """A raw server that answers each connection's first request with the next canned bytes
    (in pieces of `piece` bytes, if given), then closes that connection; the request heads it
    read go to `received`."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def run() -> None:
        with listener:
            for response in responses:
                conn, _ = listener.accept()
                with conn:
                    data = b""
                    while b"\r\n\r\n" not in data:
                        data += conn.recv(65536)
                    if received is not None:
                        received.append(data)
                    step = piece or len(response)
                    for start in range(0, len(response), step):
                        conn.sendall(response[start:start + step])
                        if piece:
                            time.sleep(0.001)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{port}/v1", thread


def _chat(transport: HTTPTransport, calls: int = 1) -> list[tuple[str, int, int]]:
    async def go() -> list[tuple[str, int, int]]:
        try:
            return [await transport.chat({"model": "m", "messages": []}, 5) for _ in range(calls)]
        finally:
            await transport.aclose()

    return asyncio.run(go())


PAYLOAD = json.dumps({"choices": [{"message": {"content": "ANSWER: x"}}],
                      "usage": {"prompt_tokens": 7, "completion_tokens": 2}}).encode()
HALF = len(PAYLOAD) // 2
FRAMINGS = {
    "content-length": b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(PAYLOAD) + PAYLOAD,
    "chunked": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + b"%x\r\n" % HALF + PAYLOAD[:HALF] + b"\r\n"
                + b"%x;ext=1\r\n" % (len(PAYLOAD) - HALF) + PAYLOAD[HALF:] + b"\r\n0\r\n\r\n"),
    "chunked with trailers": (b"HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n"
                              + b"%X\r\n" % len(PAYLOAD) + PAYLOAD
                              + b"\r\n0\r\nX-Trailer: 1\r\n\r\n"),
    "until close": b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + PAYLOAD,
    "after 100 Continue": (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
                           b"Content-Length: %d\r\n\r\n" % len(PAYLOAD) + PAYLOAD),
}


@pytest.mark.parametrize("piece", [0, 5])
@pytest.mark.parametrize("framing", list(FRAMINGS))
def test_client_reads_every_response_framing_whole_or_in_pieces(framing, piece):
    url, _ = _one_shot_server([FRAMINGS[framing]], piece=piece)
    assert _chat(HTTPTransport(url, None)) == [("ANSWER: x", 7, 2)]


@pytest.mark.parametrize("response", [
    b"SPDY/3 200 OK\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n{}",
    b"HTTP/1.1 200 OK\r\nContent-Le",
])
def test_client_calls_a_garbled_response_a_connection_error(response):
    url, _ = _one_shot_server([response])
    with pytest.raises(ProviderConnectionError, match="bad HTTP response|closed"):
        _chat(HTTPTransport(url, None))


def test_client_moves_off_a_stale_kept_alive_connection_to_a_new_one():
    ok = json.dumps({"choices": [{"message": {"content": "ANSWER: y"}}]}).encode()
    response = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(ok) + ok
    # each connection answers one request and then closes, without saying so in a header
    url, server = _one_shot_server([response, response])
    transport = HTTPTransport(url, None)

    async def go() -> list[str]:
        try:
            first = await transport.chat({"model": "m", "messages": []}, 5)
            (idle,) = transport._idle
            for _ in range(100):  # the close arrives while the connection sits idle
                if idle.lost:
                    break
                await asyncio.sleep(0.01)
            idle.lost = False  # as if it had crossed our next request on the wire
            second = await transport.chat({"model": "m", "messages": []}, 5)
            return [first[0], second[0]]
        finally:
            await transport.aclose()

    assert asyncio.run(go()) == ["ANSWER: y", "ANSWER: y"]
    server.join(timeout=5)
    assert not server.is_alive()  # both canned answers were served, each on its own connection


def test_client_error_statuses_and_broken_bodies_are_typed_for_the_retry_rules():
    status = (b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\nContent-Length: 40\r\n\r\n"
              b'{"error": {"message": "slow down now!"}}')
    truncated = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"choices\""
    url, _ = _one_shot_server([status, truncated])
    transport = HTTPTransport(url, "sk-secret")
    with pytest.raises(ProviderHTTPError, match="HTTP 429: slow down now!") as error:
        _chat(transport)
    assert error.value.headers["retry-after"] == "3"
    with pytest.raises(ProviderConnectionError):
        _chat(transport)


def test_client_never_sends_url_credentials_as_the_host():
    heads: list[bytes] = []
    url, server = _one_shot_server([FRAMINGS["content-length"]], received=heads)
    port = url.split(":")[2].split("/")[0]
    with_credentials = url.replace("http://", "http://user:hunter2@")
    assert _chat(HTTPTransport(with_credentials, "sk-test")) == [("ANSWER: x", 7, 2)]
    server.join(timeout=5)
    (head,) = heads
    assert f"Host: 127.0.0.1:{port}\r\n".encode() in head
    assert b"hunter2" not in head and b"Authorization: Bearer sk-test\r\n" in head


def test_client_refuses_a_base_url_that_is_not_http():
    from collective_bench.errors import UserError

    with pytest.raises(UserError, match="is not an http\\(s\\) URL"):
        HTTPTransport("ftp://example.com/v1", None)
