"""The litellm/<model> path end to end over real HTTP against `cbench serve-reference`."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from inspect_ai import eval
from inspect_ai.model import ChatMessageUser, GenerateConfig, get_model

from collective_bench.benchmarks.conventions.tasks import naming_game
from collective_bench.errors import UserError
from collective_bench.providers.reference_server import Faults
from collective_bench.providers.retry import STATS

TASK = dict(n_agents=6, max_rounds=6, episodes=2)


def moves(log):
    return [s.store["EpisodeRecord:steps"] for s in sorted(log.samples, key=lambda s: s.id)]


def test_http_path_plays_the_servers_policy_with_the_in_process_token_counts(serve, tmp_path):
    """Over HTTP the server plays `reference_answer_for(policy, observation)`; the prompts are
    the in-process reference run's, so the server counts the same input tokens per call."""
    server = serve(policy="textbook")
    over_http = eval(naming_game(**TASK), model="litellm/openai/textbook",
                     model_base_url=server.base_url, display="none",
                     model_args={"send_observation": True},
                     log_dir=str(tmp_path / "http"))[0]
    assert over_http.status == "success"
    meta = [s.scores["episode_scorer"].metadata for s in over_http.samples]
    assert sum(m["invalid"] + m["reasks"] for m in meta) == 0
    usage = over_http.stats.model_usage["litellm/openai/textbook"]
    assert usage.input_tokens > 0
    assert usage.total_cost is None  # not in the price map: unknown, never 0
    assert server.snapshot()["requests"] == sum(m["calls"] for m in meta)
    # the server answers what the shared reference function answers for that observation
    from collective_bench.providers.reference_server import reference_answer_for

    observation = {"task": "coordination", "agent": 0, "round": 3, "labels": ["F", "K"],
                   "reward": 1, "penalty": -1, "window": 5,
                   "memory": [{"you": "K", "partner": "K", "payoff": 1}]}
    expected = reference_answer_for("textbook", observation, ["prose only"])
    assert expected.strip().endswith("K")
    model = get_model("litellm/openai/textbook", base_url=server.base_url,
                      send_observation=True, memoize=False)
    chat = [ChatMessageUser(content="prose only", metadata={"observation": observation})]
    output = asyncio.run(model.generate(chat, config=GenerateConfig()))
    assert output.completion == expected


def test_faults_are_survived_and_counted(serve, tmp_path):
    faults = Faults(rate_limit=0.08, server_error=0.08, truncated=0.05, empty=0.05,
                    off_format=0.05, slow=0.02, slow_seconds=3, retry_after=0.01, seed=3)
    server = serve(policy="textbook", faults=faults)
    STATS.clear()
    log = eval(naming_game(**TASK), model="litellm/openai/textbook",
               model_base_url=server.base_url,
               model_args={"max_attempts": 8, "send_observation": True},
               display="none", log_dir=str(tmp_path), timeout=1)[0]
    assert log.status == "success"
    seen = server.snapshot()
    stats = STATS["litellm/openai/textbook"]
    # every injected transport fault was retried, by kind (a timeout can also hit an ordinary
    # request on a loaded machine, so timeouts are a lower bound)
    assert seen["rate_limit"] > 0 and seen["server_error"] > 0 and seen["slow"] > 0
    assert stats.by_kind["rate_limit"] == seen["rate_limit"]
    assert stats.by_kind["server_error"] + stats.by_kind.get("connection", 0) \
        + stats.by_kind.get("malformed", 0) == seen["server_error"] + seen["truncated"]
    assert stats.by_kind["timeout"] >= seen["slow"]
    assert stats.retries == sum(stats.by_kind.values())
    assert stats.failures == 0
    # a call that timed out before the server read it never shows in the server's count
    assert 0 <= stats.calls - seen["requests"] <= stats.by_kind["timeout"] - seen["slow"]
    # empty and off-format answers reach the driver: a bad answer is asked again (up to the
    # task's cap), a move still bad is recorded invalid, so the bad answers are every call but
    # the one valid answer of each move that ended valid
    meta = [s.scores["episode_scorer"].metadata for s in log.samples]
    reasks, invalid = sum(m["reasks"] for m in meta), sum(m["invalid"] for m in meta)
    calls, asked = sum(m["calls"] for m in meta), sum(m["asked"] for m in meta)
    assert reasks > 0
    assert calls - (asked - invalid) == seen["empty"] + seen["off_format"]


def test_retry_after_is_honoured_and_attempts_are_capped(serve):
    server = serve(policy="textbook", faults=Faults(rate_limit=1.0, retry_after=0.4))
    model = get_model("litellm/openai/textbook", base_url=server.base_url, max_attempts=3,
                      memoize=False)
    start = time.perf_counter()
    with pytest.raises(Exception, match="(?i)rate"):
        asyncio.run(model.generate([ChatMessageUser(content="hi")], config=GenerateConfig()))
    elapsed = time.perf_counter() - start
    assert server.snapshot()["requests"] == 3
    assert elapsed >= 2 * 0.4  # two waits of Retry-After between three attempts


def test_non_retryable_errors_fail_at_once_with_the_providers_message(serve):
    server = serve(policy="textbook")
    model = get_model("litellm/openai/textbook", base_url=server.base_url + "/missing",
                      max_attempts=5, memoize=False)
    with pytest.raises(Exception, match="no route"):
        asyncio.run(model.generate([ChatMessageUser(content="hi")], config=GenerateConfig()))
    assert server.snapshot().get("requests", 0) == 0  # the router's 404, no retries


def test_cost_comes_from_a_price_file(serve, tmp_path):
    from collective_bench.providers.prices import register_prices

    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"openai/priced-textbook": {
        "input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}}))
    assert register_prices(prices) == ["openai/priced-textbook"]
    server = serve(policy="textbook")
    log = eval(naming_game(n_agents=4, max_rounds=2, episodes=1),
               model="litellm/openai/priced-textbook", model_base_url=server.base_url,
               display="none", log_dir=str(tmp_path / "logs"))[0]
    usage = log.stats.model_usage["litellm/openai/priced-textbook"]
    assert usage.total_cost == pytest.approx(1e-6 * usage.input_tokens + 2e-6 * usage.output_tokens)


def test_connection_limit_bounds_requests_in_flight(serve, tmp_path):
    server = serve(policy="textbook", latency_ms=30)
    eval(
        naming_game(n_agents=24, max_rounds=1, episodes=1, schedule="rounds"),
        model="litellm/openai/textbook",
        model_args={"send_observation": True},
        model_base_url=server.base_url,
        max_connections=4,
        display="none",
        log_dir=str(tmp_path / "a"),
    )
    assert server.snapshot()["max_in_flight"] <= 4
    wide = serve(policy="textbook", latency_ms=30)
    eval(
        naming_game(n_agents=24, max_rounds=1, episodes=1, schedule="rounds"),
        model="litellm/openai/textbook",
        model_args={"send_observation": True},
        model_base_url=wide.base_url,
        max_connections=24,
        display="none",
        log_dir=str(tmp_path / "b"),
    )
    assert wide.snapshot()["max_in_flight"] > 4  # a whole round really is in flight together


def test_secret_model_args_are_refused():
    with pytest.raises(UserError, match="pass keys through the environment"):
        get_model("litellm/openai/x", base_url="http://127.0.0.1:1/v1", api_key_x="s",
                  memoize=False)


def test_each_role_has_its_own_connection_limit(serve, tmp_path):
    focal_server = serve(policy="textbook", latency_ms=40)
    background_server = serve(policy="textbook", latency_ms=40)
    background = get_model(
        "litellm/openai/textbook",
        base_url=background_server.base_url,
        send_observation=True,
        memoize=False,
    )
    log = eval(
        naming_game(n_agents=24, n_focal=12, max_rounds=1, episodes=1, schedule="rounds"),
        model="litellm/openai/textbook",
        model_args={"send_observation": True},
        model_base_url=focal_server.base_url,
        model_roles={"background": background},
        max_connections=3,
        display="none",
        log_dir=str(tmp_path),
    )[0]
    assert log.status == "success"
    focal, back = focal_server.snapshot(), background_server.snapshot()
    # one population round = 2 concurrent matchings: 12 agents x 2 on each side
    assert focal["requests"] == back["requests"] == 24
    # a shared limit would cap the two servers' combined concurrency at 3
    assert focal["max_in_flight"] <= 3 and back["max_in_flight"] <= 3
    assert focal["max_in_flight"] + back["max_in_flight"] > 3
