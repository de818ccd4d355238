"""Sweeps through the CLI against a local server: resume after kill -9, cache, secrets, errors."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.log import list_eval_logs, read_eval_log, read_eval_log_sample_summaries

from collective_bench.benchmarks.conventions.tasks import naming_game
from collective_bench.cli import main

pytestmark = pytest.mark.slow  # `make test-slow` (and CI) runs these; `make test` does not

ROOT = Path(__file__).resolve().parents[2]
TASK_ARGS = ["-T", "n_agents=8", "-T", "max_rounds=8"]


def cbench(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "collective_bench.cli", *args], cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        env={**os.environ, **(env or {})},
    )


def completed_ids(log_dir: Path) -> set[str]:
    ids: set[str] = set()
    for info in list_eval_logs(str(log_dir)):
        # a log torn by kill -9 may hold nothing readable
        with contextlib.suppress(Exception):
            ids |= {str(s.id) for s in read_eval_log_sample_summaries(info.name) if s.scores}
    return ids


def test_killed_sweep_resumes_without_redoing_finished_episodes(serve, tmp_path):
    episodes = 6
    server = serve(policy="textbook", latency_ms=40)
    # calls per episode, from an uninterrupted run over the same server (same moves)
    ref = eval(naming_game(n_agents=8, max_rounds=8, episodes=episodes),
               model="litellm/openai/textbook", model_base_url=server.base_url,
               model_args={"send_observation": True}, max_connections=8, display="none",
               log_dir=str(tmp_path / "ref"))[0]
    calls = {str(s.id): s.scores["episode_scorer"].metadata["calls"] for s in ref.samples}

    logs = tmp_path / "logs"
    args = ["run", "--task", "naming_game", "--model", "litellm/openai/textbook",
            "--model-base-url", server.base_url, "-M", "send_observation=true",
            "--episodes", str(episodes), *TASK_ARGS,
            "--max-connections", "2", "--log-dir", str(logs), "--display", "none"]
    proc = cbench(*args)
    deadline = time.time() + 120
    while time.time() < deadline and len(completed_ids(logs)) < 2:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = completed_ids(logs)
    assert 2 <= len(done_before) < episodes, "the kill should land mid-sweep"

    before = server.snapshot()["requests"]
    rerun = cbench(*args)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    second_run_requests = server.snapshot()["requests"] - before
    # only the episodes that had not finished are played again; finished ones are kept
    assert second_run_requests == sum(c for i, c in calls.items() if i not in done_before)
    final = [read_eval_log(i.name) for i in list_eval_logs(str(logs))]
    finished = [lg for lg in final if lg.status == "success"]
    assert len(finished) == 1 and len(finished[0].samples) == episodes


def test_cached_rerun_makes_no_calls(serve, tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "cache"))
    server = serve(policy="textbook")
    for run in ("a", "b"):
        assert main(["run", "--task", "naming_game", "--model", "litellm/openai/textbook",
                     "--model-base-url", server.base_url, "--episodes", "2", *TASK_ARGS,
                     "--cache", "--log-dir", str(tmp_path / run), "--display", "none"]) == 0
        if run == "a":
            first = server.snapshot()["requests"]
    assert first > 0 and server.snapshot()["requests"] == first


@pytest.mark.parametrize("transcript", ["full", "compact"])
def test_no_secret_reaches_any_file_written(transcript, serve, tmp_path, capsys, monkeypatch):
    secret = "sk-cbench-test-SECRET-9f8e7d6c5b4a"
    monkeypatch.setenv("CB_TEST_KEY", secret)
    monkeypatch.setenv("INSPECT_LOG_FORMAT", "json")  # uncompressed, so raw bytes are searchable
    server = serve(policy="textbook")
    logs, site = tmp_path / "results", tmp_path / "site"
    assert main(["run", "--task", "naming_game", "--model", "litellm/openai/textbook",
                 "--model-base-url", server.base_url, "-M", "api_key_env=CB_TEST_KEY",
                 "--episodes", "1", *TASK_ARGS, "--log-dir", str(logs / "local"),
                 "--display", "none", "--transcript", transcript]) == 0
    assert main(["scores", str(logs), "--out", str(tmp_path / "scores.json")]) == 0
    assert main(["scores", str(logs), "--format", "csv", "--out", str(tmp_path / "s.csv")]) == 0
    assert main(["leaderboard", "build", "--results", str(logs), "--out", str(site)]) == 0
    printed = capsys.readouterr()
    files = [p for p in tmp_path.rglob("*") if p.is_file() and "cache" not in p.parts]
    assert any(p.suffix == ".json" and "results" in p.parts for p in files)
    for path in files:
        assert secret.encode() not in path.read_bytes(), f"secret written to {path}"
    # and inside every log as inspect reads it
    for info in list_eval_logs(str(logs), recursive=True):
        assert secret not in read_eval_log(info.name).model_dump_json()
    assert secret not in printed.out + printed.err


@pytest.mark.parametrize(
    "extra, expected",
    [
        (["--model", "litellm/openai/x", "--model-base-url", "http://127.0.0.1:9/v1"],
         "cannot reach http://127.0.0.1:9/v1"),
        (["--model", "litellm/openai/gpt-4o-mini"], "needs OPENAI_API_KEY in the environment"),
        (["--model", "litellm/openai/x", "--model-base-url", "SERVER", "-M", "api_key=sk-1"],
         "pass keys through the environment"),
        (["--model", "reference/textbook", "--prices", "PRICES"], "needs input_cost_per_token"),
        (["--model", "reference/textbook", "--prices", "/no/such/prices.yaml"],
         "price file '/no/such/prices.yaml' does not exist"),
        (["--model", "reference/textbook", "--max-connections", "0"],
         "--max-connections must be at least 1, got 0"),
        (["--model", "reference/greedy"],
         "--model reference/greedy cannot play task 'naming_game'"),
    ],
)
def test_provider_input_errors_are_one_line(extra, expected, serve, tmp_path, capsys,
                                            monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    prices = tmp_path / "prices.yaml"
    prices.write_text("openai/x:\n  input_cost_per_token: cheap\n")
    server = serve(policy="textbook")
    extra = [server.base_url if a == "SERVER" else str(prices) if a == "PRICES" else a
             for a in extra]
    code = main(["run", "--task", "naming_game", *extra, "--log-dir", str(tmp_path / "l")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert expected in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "l").exists() or not list((tmp_path / "l").glob("*.eval"))


def test_estimate_prints_calls_tokens_and_cost(capsys):
    assert main(["estimate", "--model", "openai/gpt-4o-mini", "--task", "naming_game",
                 "--episodes", "1", *TASK_ARGS, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    task = result["tasks"][0]
    # random never converges: 8 population rounds of 8 interactions, 2 agents asked in each
    assert task["calls"] == 8 * 8 * 2
    model = result["models"][0]
    assert model["input_tokens"] == task["input_tokens"] > 0
    assert model["cost_usd"] == pytest.approx(
        model["input_tokens"] * 1.5e-7 + model["output_tokens"] * 6e-7)


def test_progress_line_reports_episodes_retries_and_tokens(serve, tmp_path, capsys):
    from collective_bench.providers.reference_server import Faults
    from collective_bench.providers.retry import STATS

    STATS.clear()
    server = serve(policy="textbook", faults=Faults(rate_limit=0.1, retry_after=0.01, seed=2))
    assert main(["run", "--task", "naming_game", "--model", "litellm/openai/textbook",
                 "--model-base-url", server.base_url, "--episodes", "2", *TASK_ARGS,
                 "--log-dir", str(tmp_path), "--display", "plain"]) == 0
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("[progress]")]
    final = lines[-1]
    assert "litellm/openai/textbook: 2/2 episodes, 0 errors" in final
    retries = int(final.split(" retries")[0].rsplit(", ", 1)[1].replace(",", ""))
    assert retries == server.snapshot()["rate_limit"] > 0
    assert "cost" not in final and final.endswith("unknown so far")  # unpriced: never $0


def test_compact_transcript_sweep_counts_the_same_and_leaves_no_mode_behind(
        serve, tmp_path, capsys, monkeypatch):
    from collective_bench.compact import TRANSCRIPT_ENV

    monkeypatch.delenv(TRANSCRIPT_ENV, raising=False)
    server = serve(policy="textbook")
    assert main(["run", "--task", "naming_game", "--model", "litellm/openai/textbook",
                 "--model-base-url", server.base_url, "--episodes", "2", *TASK_ARGS,
                 "--log-dir", str(tmp_path), "--display", "plain",
                 "--transcript", "compact"]) == 0
    assert TRANSCRIPT_ENV not in os.environ  # the next eval in this process is not affected
    final = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("[progress]")][-1]
    calls = int(final.split(" calls")[0].rsplit(", ", 1)[1].replace(",", ""))
    assert calls == server.snapshot()["requests"] > 0  # the progress hook saw every call
    log = read_eval_log(list_eval_logs(str(tmp_path))[0].name)
    assert {s.store["EpisodeRecord:transcript"] for s in log.samples} == {"compact"}
    assert log.stats.model_usage["litellm/openai/textbook"].input_tokens > 0


def test_ctrl_c_exits_130_and_says_how_to_resume(serve, tmp_path):
    server = serve(policy="textbook", latency_ms=50)
    logs = tmp_path / "logs"
    args = ["run", "--task", "naming_game", "--model", "litellm/openai/textbook",
            "--model-base-url", server.base_url, "-M", "send_observation=true",
            "--episodes", "4", "-T", "n_agents=8", "-T", "max_rounds=30",
            "--max-connections", "2", "--log-dir", str(logs), "--display", "plain"]
    proc = cbench(*args)
    deadline = time.time() + 120
    while time.time() < deadline and server.snapshot().get("requests", 0) < 20:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Completed all tasks" not in out + err
    last = err.strip().splitlines()[-1]
    assert last.startswith("cbench: interrupted: the run of 1 task(s) x 1 model(s) into")
    assert "Resume" in last and "cbench run --task naming_game" in last
    rerun = cbench(*args)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    log = read_eval_log([i for i in list_eval_logs(str(logs))][0].name)
    assert log.status == "success" and len(log.samples) == 4


def _episode_proxy(server, refuse):
    """A front for `server` that counts the requests it forwards per episode (the observation's
    `episode`, the sample's seed) and answers 400, without forwarding, where
    `refuse(n, episode)` says so (n counts every request, from 1)."""
    from aiohttp import ClientSession, web
    from hostile import Background

    seen: dict[str, int] = {}
    state = {"n": 0}

    async def forward(request: web.Request) -> web.Response:
        state["n"] += 1
        n = state["n"]  # this request's number: others arrive while its body is read
        body = await request.read()
        episode = str(json.loads(body)["cbench_observation"]["episode"])
        if refuse(n, episode):
            return web.json_response({"error": {"message": "refused (test)"}}, status=400)
        seen[episode] = seen.get(episode, 0) + 1
        async with ClientSession() as session, session.post(
                server.base_url + "/chat/completions", data=body) as answer:
            return web.Response(body=await answer.read(), status=answer.status,
                                content_type="application/json")

    app = web.Application()
    app.router.add_post("/v1/chat/completions", forward)
    return Background().app(app), seen


def _calls_by_episode(log) -> dict[str, int]:
    return {str(s.metadata["seed"]): s.scores["episode_scorer"].metadata["calls"]
            for s in log.samples if s.scores}


def _failed_call_args(url: str, logs: Path) -> list[str]:
    return ["run", "--task", "naming_game", "--model", "litellm/openai/textbook",
            "--model-base-url", url, "-M", "send_observation=true", "--episodes", "4",
            *TASK_ARGS, "-T", "schedule=rounds", "--log-dir", str(logs), "--display", "none"]


def test_a_failed_call_fails_only_its_own_episode(serve, tmp_path):
    """One call fails for good (a 400): its episode errors, its siblings finish and are kept
    (each played exactly once), and the eval set plays only the failed episode again."""
    server = serve(policy="textbook")
    fail_at = 30
    refused: list[str] = []

    def refuse(n: int, episode: str) -> bool:
        if n == fail_at:
            refused.append(episode)
        return n == fail_at

    front, seen = _episode_proxy(server, refuse)
    try:
        logs = tmp_path / "logs"
        # the eval set plays a failed episode once more within the same command
        assert main(_failed_call_args(front.url, logs)) == 0
    finally:
        front.stop()
    final = read_eval_log(list_eval_logs(str(logs))[0].name)
    assert final.status == "success" and len(final.samples) == 4
    assert all(s.error is None for s in final.samples)
    calls = _calls_by_episode(final)
    (failed,) = refused
    assert set(seen) == set(calls) and failed in calls
    # siblings: played once, kept (an episode runs up to max_rounds * n_agents interactions of
    # two calls and may stop at consensus, so counts come from the log, not from arithmetic)
    assert {e: n for e, n in seen.items() if e != failed} == \
        {e: n for e, n in calls.items() if e != failed}
    # the failed episode: its first attempt's calls before the 400 (all among the first
    # fail_at - 1 requests), then one whole replay
    assert 1 <= seen[failed] - calls[failed] < fail_at
    assert server.snapshot()["requests"] == sum(seen.values())


def test_an_episode_that_fails_on_every_retry_fails_the_run_and_is_redone_alone(serve, tmp_path):
    """Every call of one episode is refused: the run reports failure and keeps the siblings;
    the same command later plays only that episode."""
    server = serve(policy="textbook")
    doomed: list[str] = []

    def refuse(n: int, episode: str) -> bool:
        if not doomed:
            doomed.append(episode)
        return episode == doomed[0]

    logs = tmp_path / "logs"
    front, seen = _episode_proxy(server, refuse)
    try:
        assert main(_failed_call_args(front.url, logs)) == 1
    finally:
        front.stop()
    (first,) = [read_eval_log(i.name) for i in list_eval_logs(str(logs))]
    assert first.status == "error"
    kept = _calls_by_episode(first)
    assert len(kept) == 3 and doomed[0] not in kept and seen == kept
    assert [s for s in first.samples if s.error is not None]  # the doomed episode, errored

    before = server.snapshot()["requests"]
    healthy, again = _episode_proxy(server, lambda n, episode: False)
    try:
        assert main(_failed_call_args(healthy.url, logs)) == 0
    finally:
        healthy.stop()
    final = [read_eval_log(i.name) for i in list_eval_logs(str(logs))]
    done = [lg for lg in final if lg.status == "success"]
    assert len(done) == 1 and len(done[0].samples) == 4
    calls = _calls_by_episode(done[0])
    assert {e: calls[e] for e in kept} == kept  # the siblings' results are the first run's
    assert again == {doomed[0]: calls[doomed[0]]}  # and only the doomed episode was played
    assert server.snapshot()["requests"] - before == calls[doomed[0]]


def test_faults_reach_the_episode_record_and_the_result_rows(serve, tmp_path):
    from collective_bench.providers.reference_server import Faults

    server = serve(policy="textbook", faults=Faults(rate_limit=0.1, server_error=0.05,
                                                    retry_after=0.01, seed=4))
    logs = tmp_path / "logs"
    assert main(["run", "--task", "naming_game", "--model", "litellm/openai/textbook",
                 "--model-base-url", server.base_url, "-M", "send_observation=true",
                 "-M", "max_attempts=20", "--episodes", "2", *TASK_ARGS,
                 "--log-dir", str(logs), "--display", "none", "--transcript", "compact"]) == 0
    log = read_eval_log(list_eval_logs(str(logs))[0].name)
    per_episode = [s.store["EpisodeRecord:faults"] for s in log.samples]
    seen = server.snapshot()
    assert sum(f.get("fault:rate_limit", 0) for f in per_episode) == seen["rate_limit"] > 0
    assert sum(f.get("fault:server_error", 0) for f in per_episode) == seen["server_error"] > 0
    assert sum(f["calls"] for f in per_episode) == seen["requests"]
    assert main(["scores", str(logs), "--out", str(tmp_path / "rows.json")]) == 0
    rows = json.loads((tmp_path / "rows.json").read_text())
    assert {r["retries"] for r in rows} == {seen["rate_limit"] + seen["server_error"]}
    assert {r["faults"] for r in rows} == {
        f"rate_limit={seen['rate_limit']};server_error={seen['server_error']}"}


def test_a_torn_log_is_named_skipped_and_never_blocks(serve, tmp_path, capsys):
    logs = tmp_path / "logs"
    base = ["run", "--task", "naming_game", "--model", "reference/textbook", "--episodes", "1",
            *TASK_ARGS, "--display", "none"]
    assert main([*base, "--log-dir", str(logs)]) == 0
    good = list(logs.glob("*.eval"))[0]
    torn = logs / "2026-01-01T00-00-00-00-00_naming-game_torn.eval"
    torn.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    capsys.readouterr()
    assert main(["scores", str(logs), "--out", str(tmp_path / "rows.json")]) == 0
    err = capsys.readouterr().err
    assert "warning: skipped" in err and torn.name in err
    assert json.loads((tmp_path / "rows.json").read_text())  # the good log's rows
    assert main(["leaderboard", "build", "--results", str(logs), "--out",
                 str(tmp_path / "site")]) == 0
    assert main([*base, "--task", "naming_game_binary", "--log-dir", str(logs)]) == 0
    err = capsys.readouterr().err
    assert f"log {torn} cannot be read" in err and torn.with_name(torn.name + ".unreadable")\
        .exists()


def test_secrets_echoed_by_a_provider_reach_no_file_or_output(serve, tmp_path):
    """A gateway that echoes the request's headers (Authorization included) in its error
    bodies, and a base URL with a password: neither secret is in any file written (logs,
    results, site, inspect's trace files) nor in anything printed, in both transcripts."""
    from aiohttp import ClientSession, web
    from hostile import Background

    key, password = "sk-cbench-echo-KEY-5a4b3c2d1e", "PASSWORD-77aa88bb"
    basic = "dXNlcjpQQVNTV09SRC03N2FhODhiYg=="  # base64 of user:PASSWORD-77aa88bb
    server = serve(policy="textbook")
    state = {"n": 0}

    seen_auth: set[str] = set()

    async def echo(request: web.Request) -> web.Response:
        state["n"] += 1
        seen_auth.add(request.headers.get("Authorization", ""))
        if state["n"] % 4 == 0:  # retried: the message reaches our retry counters
            return web.json_response({"error": {"message": f"upstream said no; you sent "
                                                f"{dict(request.headers)}"}}, status=503)
        if state["n"] == 7:  # not retried: fails one episode, message and traceback in the log
            return web.json_response({"error": {"message": f"bad key {dict(request.headers)}"
                                                 f" url {request.url}"}}, status=401)
        async with ClientSession() as session, session.post(
                server.base_url + "/chat/completions", data=await request.read()) as answer:
            return web.Response(body=await answer.read(), status=answer.status,
                                content_type="application/json")

    app = web.Application()
    app.router.add_post("/v1/chat/completions", echo)
    front = Background().app(app)
    plain = f"http://127.0.0.1:{front.port}/v1"
    try:
        for transcript, url, auth in (
                ("full", plain, ["-M", "api_key_env=CB_ECHO_KEY"]),
                ("compact", plain, ["-M", "api_key_env=CB_ECHO_KEY"]),
                ("full", f"http://user:{password}@127.0.0.1:{front.port}/v1", []),
                ("compact", f"http://user:{password}@127.0.0.1:{front.port}/v1", [])):
            state["n"] = 0
            root = tmp_path / f"{transcript}-{len(auth)}"
            env = {"CB_ECHO_KEY": key, "XDG_DATA_HOME": str(root / "xdg"),
                   "INSPECT_LOG_FORMAT": "json"}
            proc = cbench("run", "--task", "naming_game", "--model", "litellm/openai/textbook",
                          "--model-base-url", url, *auth,
                          "-M", "send_observation=true", "--episodes", "3", *TASK_ARGS,
                          "--log-dir", str(root / "results" / "local"), "--display", "plain",
                          "--transcript", transcript, env=env)
            out, err = proc.communicate(timeout=300)
            # one episode failed for good (the 401) and the eval set played it again
            assert proc.returncode == 0, err
            assert ", 1 errors," in [ln for ln in err.splitlines() if "[progress]" in ln][-1]
            files = [p for p in root.rglob("*") if p.is_file()]
            assert any("traces" in p.parts for p in files), "inspect wrote no trace file"
            for path in files:
                data = path.read_bytes()
                assert key.encode() not in data, f"key written to {path}"
                assert password.encode() not in data, f"password written to {path}"
                assert basic.encode() not in data, f"Basic credentials written to {path}"
            assert key not in out + err and password not in out + err
            header = read_eval_log(list_eval_logs(str(root / "results"), recursive=True)[0].name,
                                   header_only=True)
            assert header.eval.model_base_url == plain
            if not auth:  # the URL's credentials were sent, as Basic auth
                assert "Basic dXNlcjpQQVNTV09SRC03N2FhODhiYg==" in seen_auth
    finally:
        front.stop()


def test_estimate_takes_the_longest_playing_policy_and_bounds_only_the_calls(capsys, tmp_path):
    """A random fishery collapses early; a sustainable one runs every month. The estimate must
    count the long game (it undercounted the commons 16x with the random player alone). Calls
    have a true bound from the protocol; tokens and dollars are said to be an estimate."""
    from collective_bench.benchmarks.cooperation.spec import COMMONS
    from collective_bench.benchmarks.cooperation.tasks import commons

    assert main(["estimate", "--model", "openai/gpt-4o-mini", "--task", "commons",
                 "--episodes", "2", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["upper_bound"] == {"calls": True, "tokens": False, "cost": False}
    assert "not an upper bound" in result["note"]
    # 2 episodes x 12 months x 5 fishers, each move asked at most 1 + the re-ask cap times
    assert result["tasks"][0]["max_calls"] == 2 * 12 * 5 * (1 + COMMONS.adapter.max_reasks)
    assert result["models"][0]["max_calls"] == result["tasks"][0]["max_calls"]
    calls = {}
    for policy in ("greedy", "random", "selfish", "sustainable", "textbook"):
        log = eval(commons(episodes=2), model=f"reference/{policy}", display="none",
                   log_dir=str(tmp_path / policy))[0]
        calls[policy] = sum(s.scores["episode_scorer"].metadata["asked"] for s in log.samples)
    task = result["tasks"][0]
    assert task["calls"] == max(calls.values()) > calls["random"]
    assert task["policy"] == max(calls, key=calls.__getitem__)
