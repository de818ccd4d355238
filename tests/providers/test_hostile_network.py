"""The provider layer against servers that misbehave: every wait bounded, nothing made up."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from aiohttp import ClientSession, web
from hostile import Background, completion, http_response, read_request
from inspect_ai.model import ChatMessageUser, GenerateConfig, get_model

from collective_bench.errors import UserError
from collective_bench.providers.http_client import usage_counts
from collective_bench.providers.litellm_api import ProviderError
from collective_bench.providers.preflight import check_reachable
from collective_bench.providers.retry import STATS

MODEL = "litellm/openai/m"
MODES = ["full", "compact"]


@pytest.fixture
def background():
    servers: list[Background] = []

    def make() -> Background:
        servers.append(Background())
        return servers[-1]

    yield make
    for server in servers:
        server.stop()


def call(model, mode: str, text: str = "hi") -> str:
    """One call through the full path (litellm) or the compact one (aiohttp)."""
    async def go() -> str:
        if mode == "full":
            output = await model.generate([ChatMessageUser(content=text)],
                                          config=GenerateConfig())
            return output.completion
        client = model.api.compact_client()
        try:
            return (await client.complete([{"role": "user", "content": text}],
                                          GenerateConfig())).text
        finally:
            await client.aclose()

    return asyncio.run(go())


def model_at(url: str, **args):
    return get_model(MODEL, base_url=url, memoize=False, **{"max_attempts": 1, **args})


async def trickle(reader, writer):
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 500\r\n\r\n")
    for _ in range(600):  # one byte a second: never done within any sane deadline
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(1)


async def stall(reader, writer):
    await read_request(reader)
    await asyncio.sleep(600)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("server", [trickle, stall], ids=["trickle", "stall"])
def test_the_deadline_holds_against_trickling_and_stalled_servers(mode, server, background):
    from collective_bench.providers.litellm_api import _import_litellm

    _import_litellm()  # its first import takes seconds, outside any call's deadline
    host = background().raw(server)
    model = model_at(host.url, timeout=1.5, max_attempts=2)
    STATS.clear()
    start = time.perf_counter()
    with pytest.raises(ProviderError, match="within 1.5 s"):
        call(model, mode)
    elapsed = time.perf_counter() - start
    assert 3.0 <= elapsed < 3.0 + 4  # two attempts of 1.5 s, one short backoff, a busy machine
    assert STATS[MODEL].by_kind == {"timeout": 2}


async def negative_chunk(reader, writer):
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n")
    await writer.drain()
    await asyncio.sleep(5)


async def garbage(reader, writer):
    await read_request(reader)
    writer.write(b"SPAM 999 nonsense\r\n\r\n")
    await writer.drain()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("server", [negative_chunk, garbage], ids=["negative_chunk", "garbage"])
def test_broken_framing_fails_the_attempt_quickly(mode, server, background):
    host = background().raw(server)
    start = time.perf_counter()
    with pytest.raises(ProviderError):
        call(model_at(host.url, timeout=20), mode)
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("mode", MODES)
def test_an_unsolicited_extra_response_never_becomes_the_next_answer(mode, background):
    """The server answers the first request twice on a kept-alive connection, the second time
    20 ms later, while the connection idles in the pool; that unasked answer must not be taken
    as the answer to the next call. (Written in one go, the two answers often arrive in one
    read and the client drops the connection anyway: the pause makes the case certain.)"""
    async def double(reader, writer):
        first = True
        while (request := await read_request(reader)) is not None:
            marker = json.loads(request.split(b"\r\n\r\n", 1)[1])["messages"][-1]["content"]
            writer.write(http_response(completion(f"ANSWER: {marker}")))
            await writer.drain()
            if first:
                await asyncio.sleep(0.02)
                writer.write(http_response(completion("ANSWER: STALE")))
                await writer.drain()
                first = False

    host = background().raw(double)
    model = model_at(host.url, max_attempts=3)

    async def three_calls() -> list[str]:
        client = model.api.compact_client()
        try:
            answers = []
            for text in ("one", "two", "three"):
                if mode == "full":
                    output = await model.generate([ChatMessageUser(content=text)],
                                                  config=GenerateConfig())
                    answers.append(output.completion)
                else:
                    answer = await client.complete([{"role": "user", "content": text}],
                                                   GenerateConfig())
                    answers.append(answer.text)
                await asyncio.sleep(0.1)  # the stray answer arrives while the socket idles
            return answers
        finally:
            await client.aclose()

    assert asyncio.run(three_calls()) == ["ANSWER: one", "ANSWER: two", "ANSWER: three"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("header", ["3600", "inf", "Wed, 21 Oct 2099 07:28:00 GMT"])
def test_retry_after_is_capped(mode, header, background):
    calls = 0

    async def limited(request: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        if calls % 2:
            return web.json_response({"error": {"message": "slow down"}}, status=429,
                                     headers={"Retry-After": header})
        return web.Response(body=completion(), content_type="application/json")

    app = web.Application()
    app.router.add_post("/v1/chat/completions", limited)
    host = background().app(app)
    STATS.clear()
    start = time.perf_counter()
    assert call(model_at(host.url, max_attempts=2, max_retry_after=0.3), mode) == "ANSWER: A"
    assert 0.3 <= time.perf_counter() - start < 5
    stats = STATS[MODEL]
    assert stats.capped_retry_after == 1 and stats.retry_after_cap == 0.3
    assert stats.longest_retry_after > 3000


@pytest.mark.parametrize("usage", [
    {"prompt_tokens": -5, "completion_tokens": 1},
    {"prompt_tokens": "12", "completion_tokens": 1},
    {"prompt_tokens": 1, "completion_tokens": float("nan")},
    {"prompt_tokens": True, "completion_tokens": 1},
])
def test_malformed_usage_is_refused(usage):
    from collective_bench.providers.http_client import MalformedResponse

    with pytest.raises(MalformedResponse):
        usage_counts(usage)
    assert usage_counts({"prompt_tokens": 7, "completion_tokens": 0}) == (7, 0)
    assert usage_counts(None) == (0, 0)


@pytest.mark.parametrize("mode", MODES)
def test_malformed_usage_is_a_retried_fault_never_a_negative_count(mode, serve):
    from collective_bench.providers.reference_server import Faults

    server = serve(policy="textbook", faults=Faults(bad_usage=0.5, seed=1))
    model = model_at(server.base_url, max_attempts=10)
    STATS.clear()
    for _ in range(6):
        call(model, mode)
    seen = server.snapshot()
    assert seen["bad_usage"] > 0
    kinds = STATS[MODEL].by_kind
    if mode == "compact":
        assert kinds == {"malformed": seen["bad_usage"]}
    else:  # litellm refuses a non-numeric count itself (as a 500-class error), we the rest
        assert kinds.get("malformed", 0) + kinds.get("server_error", 0) == seen["bad_usage"]
    assert STATS[MODEL].failures == 0


def test_the_compact_path_and_preflight_go_through_a_proxy(serve, background, monkeypatch):
    """An endpoint whose name resolves nowhere but at the proxy: preflight checks the proxy,
    and compact calls go through it (aiohttp with trust_env)."""
    server = serve(policy="textbook")
    forwarded: list[str] = []

    async def proxy(request: web.Request) -> web.Response:
        forwarded.append(str(request.url))
        target = server.base_url.removesuffix("/v1") + request.rel_url.path
        async with ClientSession() as session, session.request(
                request.method, target, data=await request.read(),
                headers={"Content-Type": "application/json"}) as answer:
            return web.Response(body=await answer.read(), status=answer.status,
                                content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", proxy)
    host = background().app(app)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{host.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    hidden = "http://only-behind-the-proxy.invalid:8765/v1"
    check_reachable(hidden)  # the proxy answers: not refused
    assert call(model_at(hidden), "compact").startswith("I cannot see the game")
    assert forwarded == ["http://only-behind-the-proxy.invalid:8765/v1/chat/completions"]
    monkeypatch.setenv("NO_PROXY", "only-behind-the-proxy.invalid")
    with pytest.raises(UserError, match="cannot reach"):
        check_reachable(hidden)


def test_the_server_survives_any_request(serve):
    import json
    import socket
    import urllib.request

    server = serve(policy="textbook")
    host, port = server.base_url.removeprefix("http://").removesuffix("/v1").split(":")
    bad = [b"GARBAGE\r\n\r\n", b"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: -3\r\n\r\n",
           b"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 9\r\n\r\n[1,2,3]  ",
           b"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 60\r\n\r\n"
           b'{"messages": [], "cbench_observation": {"task": "nope"}}    ']
    statuses = []
    for data in bad:
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(data)
            statuses.append(sock.recv(65536).split(b" ")[1])
    assert all(s.startswith(b"4") for s in statuses), statuses
    body = json.dumps({"messages": [{"role": "user", "content": "hi"}]}).encode()
    request = urllib.request.Request(server.base_url + "/chat/completions", data=body)
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 200


def test_a_handler_error_is_a_500_for_that_request_only(serve, monkeypatch):
    import json
    import urllib.error
    import urllib.request

    from collective_bench.providers import reference_server

    server = serve(policy="textbook")
    real = reference_server.reference_answer_for

    def flaky(policy, observation, texts):
        if observation and observation.get("boom"):
            raise RuntimeError("policy bug")
        return real(policy, observation, texts)

    monkeypatch.setattr(reference_server, "reference_answer_for", flaky)
    url = server.base_url + "/chat/completions"

    def post(observation):
        body = {"messages": [{"role": "user", "content": "x"}], "cbench_observation": observation}
        return urllib.request.urlopen(urllib.request.Request(
            url, data=json.dumps(body).encode()), timeout=5)

    with pytest.raises(urllib.error.HTTPError) as failed:
        post({"boom": True})
    assert failed.value.code == 500
    with post(None) as answer:
        assert answer.status == 200
    assert server.snapshot()["handler_errors"] == 1


def test_server_binds_localhost_unless_told(serve):
    assert serve(policy="textbook").base_url.startswith("http://127.0.0.1:")
