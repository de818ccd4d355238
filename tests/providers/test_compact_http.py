"""Compact transcripts over real HTTP: the direct POST path of the litellm provider."""

from __future__ import annotations

import asyncio
import time

import pytest
from inspect_ai import eval
from inspect_ai.model import GenerateConfig, get_model

from collective_bench.benchmarks.conventions.tasks import naming_game
from collective_bench.compact import TRANSCRIPT_ENV
from collective_bench.errors import UserError
from collective_bench.providers.litellm_api import ProviderError
from collective_bench.providers.reference_server import Faults
from collective_bench.providers.retry import STATS

TASK = dict(n_agents=6, max_rounds=6, episodes=2)
MODEL = "litellm/openai/textbook"
SEE = {"send_observation": True}


@pytest.fixture(autouse=True)
def compact(monkeypatch):
    monkeypatch.setenv(TRANSCRIPT_ENV, "compact")


def moves(log):
    return [s.store["EpisodeRecord:steps"] for s in sorted(log.samples, key=lambda s: s.id)]


def complete(model, text="hi"):
    client = model.api.compact_client()

    async def go():
        try:
            return await client.complete([{"role": "user", "content": text}], GenerateConfig())
        finally:
            await client.aclose()

    return asyncio.run(go())


def test_compact_http_plays_the_full_http_moves_with_the_same_tokens(serve, tmp_path,
                                                                    monkeypatch):
    server = serve(policy="textbook")
    compact = eval(naming_game(**TASK), model=MODEL, model_base_url=server.base_url,
                   model_args=SEE, display="none", log_dir=str(tmp_path / "compact"))[0]
    compact_requests = server.snapshot()["requests"]
    monkeypatch.setenv(TRANSCRIPT_ENV, "full")
    full = eval(naming_game(**TASK), model=MODEL, model_base_url=server.base_url,
                model_args=SEE, display="none", log_dir=str(tmp_path / "full"))[0]
    assert compact.status == full.status == "success"
    assert get_model(MODEL, base_url=server.base_url, memoize=False).api.compact_transport == "http"
    assert moves(compact) == moves(full)
    # the server saw each observation: every move was valid at the first ask
    meta = [s.scores["episode_scorer"].metadata for s in compact.samples]
    assert sum(m["invalid"] + m["reasks"] for m in meta) == 0
    usage = compact.stats.model_usage[MODEL]
    assert usage.input_tokens == full.stats.model_usage[MODEL].input_tokens > 0
    assert usage.total_cost is None  # unknown model: unknown cost, never 0
    assert sum(1 for s in compact.samples for e in s.events if e.event == "model") == 0
    assert compact_requests == sum(m["calls"] for m in meta)
    # per episode: its own calls, no faults
    assert [s.store["EpisodeRecord:faults"] for s in compact.samples] == [
        {"calls": m["calls"]} for m in meta]


def test_without_send_observation_the_server_cannot_see_the_game(serve, tmp_path):
    from collective_bench.providers.reference_server import CANNOT_SEE

    server = serve(policy="textbook")
    model = get_model(MODEL, base_url=server.base_url, memoize=False)
    assert complete(model).text == CANNOT_SEE
    log = eval(naming_game(n_agents=4, max_rounds=2, episodes=1), model=MODEL,
               model_base_url=server.base_url, display="none", log_dir=str(tmp_path))[0]
    meta = log.samples[0].scores["episode_scorer"].metadata
    # one pair per interaction: 2 population rounds of 4 interactions, 2 agents each
    assert meta["invalid"] == meta["asked"] == 2 * 4 * 2  # no move can be read from that text


def test_compact_http_survives_and_counts_faults(serve, tmp_path):
    faults = Faults(rate_limit=0.08, server_error=0.08, truncated=0.05, empty=0.05,
                    off_format=0.05, retry_after=0.01, seed=3)
    server = serve(policy="textbook", faults=faults)
    STATS.clear()
    log = eval(naming_game(**TASK), model=MODEL, model_base_url=server.base_url,
               model_args={"max_attempts": 16, **SEE}, display="none",
               log_dir=str(tmp_path))[0]
    assert log.status == "success"
    seen = server.snapshot()
    stats = STATS[MODEL]
    assert seen["rate_limit"] > 0 and seen["server_error"] > 0 and seen["truncated"] > 0
    assert stats.by_kind["rate_limit"] == seen["rate_limit"]
    assert stats.by_kind["server_error"] == seen["server_error"]
    assert stats.by_kind["connection"] == seen["truncated"]
    assert stats.calls == seen["requests"] and stats.failures == 0
    meta = [s.scores["episode_scorer"].metadata for s in log.samples]
    invalid = sum(m["invalid"] for m in meta)
    calls, asked = sum(m["calls"] for m in meta), sum(m["asked"] for m in meta)
    # a bad answer is asked again up to the task's cap: the bad answers are every call but
    # the one valid answer of each move that ended valid
    assert calls - (asked - invalid) == seen["empty"] + seen["off_format"] > 0
    # the raw text of every unreadable answer is kept, since no ModelEvent holds it
    kept = [u["text"] for s in log.samples for u in s.store["EpisodeRecord:unreadable"]]
    assert len(kept) == seen["empty"] + seen["off_format"]


def test_compact_http_honours_retry_after_and_caps_attempts(serve):
    server = serve(policy="textbook", faults=Faults(rate_limit=1.0, retry_after=0.4))
    model = get_model(MODEL, base_url=server.base_url, max_attempts=3, memoize=False)
    start = time.perf_counter()
    with pytest.raises(ProviderError, match="HTTP 429: rate limited"):
        complete(model)
    assert server.snapshot()["requests"] == 3
    assert time.perf_counter() - start >= 2 * 0.4


def test_compact_http_fails_at_once_on_a_client_error(serve):
    server = serve(policy="textbook")
    model = get_model(MODEL, base_url=server.base_url + "/missing", max_attempts=5,
                      memoize=False)
    with pytest.raises(ProviderError, match="HTTP 404"):
        complete(model)


def test_compact_http_retries_an_unreachable_endpoint_then_gives_up():
    model = get_model(MODEL, base_url="http://127.0.0.1:9/v1", max_attempts=2, memoize=False)
    STATS.clear()
    with pytest.raises(ProviderError, match="gave up after 2 attempts"):
        complete(model)
    assert STATS[MODEL].calls == 2 and STATS[MODEL].failures == 1


def test_compact_connection_limit_bounds_requests_in_flight(serve, tmp_path):
    server = serve(policy="textbook", latency_ms=30)
    eval(
        naming_game(n_agents=24, max_rounds=1, episodes=1, schedule="rounds"),
        model=MODEL,
        model_args={"send_observation": True},
        model_base_url=server.base_url,
        max_connections=4,
        display="none",
        log_dir=str(tmp_path / "a"),
    )
    assert 1 <= server.snapshot()["max_in_flight"] <= 4
    wide = serve(policy="textbook", latency_ms=30)
    eval(
        naming_game(n_agents=24, max_rounds=1, episodes=1, schedule="rounds"),
        model=MODEL,
        model_args={"send_observation": True},
        model_base_url=wide.base_url,
        max_connections=24,
        display="none",
        log_dir=str(tmp_path / "b"),
    )
    assert wide.snapshot()["max_in_flight"] > 4


def test_transport_choice(serve):
    server = serve(policy="textbook")
    forced = get_model(MODEL, base_url=server.base_url, transport="litellm", memoize=False)
    assert forced.api.compact_transport == "litellm"
    assert complete(forced).text  # litellm.acompletion, same server
    assert server.snapshot()["requests"] == 1
    # no base URL: a hosted provider, which litellm knows how to reach
    assert get_model("litellm/anthropic/claude-x", memoize=False).api.compact_transport == "litellm"
    with pytest.raises(UserError, match="-M transport must be one of auto, litellm"):
        get_model(MODEL, base_url=server.base_url, transport="smoke", memoize=False)


def test_server_stats_reset_leaves_a_warm_up_uncounted(serve):
    import json
    import urllib.request

    server = serve(policy="textbook")
    assert complete(get_model(MODEL, base_url=server.base_url, memoize=False)).text
    assert server.snapshot()["requests"] == 1
    root = server.base_url.removesuffix("/v1")
    with urllib.request.urlopen(urllib.request.Request(root + "/stats", method="DELETE")) as r:
        reset = json.loads(r.read())
    assert reset.get("requests", 0) == 0 and reset["first_request"] is None
    assert server.snapshot().get("requests", 0) == 0
