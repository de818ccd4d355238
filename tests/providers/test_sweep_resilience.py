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

from benchmarks.conventions.tasks import naming_game
from collective_bench.cli import main

ROOT = Path(__file__).resolve().parents[2]
TASK_ARGS = ["-T", "n_agents=8", "-T", "max_rounds=8"]


def cbench(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "collective_bench.cli", *args],
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
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
    # calls per episode, from the in-process reference provider (same moves as over HTTP)
    ref = eval(
        naming_game(n_agents=8, max_rounds=8, episodes=episodes),
        model="reference/textbook",
        display="none",
        log_dir=str(tmp_path / "ref"),
    )[0]
    calls = {str(s.id): s.scores["naming_scorer"].metadata["calls"] for s in ref.samples}

    server = serve(policy="textbook", latency_ms=40)
    logs = tmp_path / "logs"
    args = [
        "run",
        "--task",
        "naming_game",
        "--model",
        "litellm/openai/textbook",
        "-M",
        "send_observation=true",
        "--model-base-url",
        server.base_url,
        "--episodes",
        str(episodes),
        *TASK_ARGS,
        "--max-connections",
        "2",
        "--log-dir",
        str(logs),
        "--display",
        "none",
    ]
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
        assert (
            main(
                [
                    "run",
                    "--task",
                    "naming_game",
                    "--model",
                    "litellm/openai/textbook",
                    "-M",
                    "send_observation=true",
                    "--model-base-url",
                    server.base_url,
                    "--episodes",
                    "2",
                    *TASK_ARGS,
                    "--cache",
                    "--log-dir",
                    str(tmp_path / run),
                    "--display",
                    "none",
                ]
            )
            == 0
        )
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
    assert (
        main(
            [
                "run",
                "--task",
                "naming_game",
                "--model",
                "litellm/openai/textbook",
                "-M",
                "send_observation=true",
                "--model-base-url",
                server.base_url,
                "-M",
                "api_key_env=CB_TEST_KEY",
                "--episodes",
                "1",
                *TASK_ARGS,
                "--log-dir",
                str(logs / "local"),
                "--display",
                "none",
                "--transcript",
                transcript,
            ]
        )
        == 0
    )
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
        (
            ["--model", "litellm/openai/x", "--model-base-url", "http://127.0.0.1:9/v1"],
            "cannot reach http://127.0.0.1:9/v1",
        ),
        (["--model", "litellm/openai/gpt-4o-mini"], "needs OPENAI_API_KEY in the environment"),
        (
            ["--model", "litellm/openai/x", "--model-base-url", "SERVER", "-M", "api_key=sk-1"],
            "pass keys through the environment",
        ),
        (["--model", "reference/textbook", "--prices", "PRICES"], "needs input_cost_per_token"),
        (
            ["--model", "reference/textbook", "--prices", "/no/such/prices.yaml"],
            "price file '/no/such/prices.yaml' does not exist",
        ),
    ],
)
def test_provider_input_errors_are_one_line(extra, expected, serve, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    prices = tmp_path / "prices.yaml"
    prices.write_text("openai/x:\n  input_cost_per_token: cheap\n")
    server = serve(policy="textbook")
    extra = [
        server.base_url if a == "SERVER" else str(prices) if a == "PRICES" else a for a in extra
    ]
    code = main(["run", "--task", "naming_game", *extra, "--log-dir", str(tmp_path / "l")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert expected in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "l").exists() or not list((tmp_path / "l").glob("*.eval"))


def test_estimate_prints_calls_tokens_and_cost(capsys):
    assert (
        main(
            [
                "estimate",
                "--model",
                "openai/gpt-4o-mini",
                "--task",
                "naming_game",
                "--episodes",
                "1",
                *TASK_ARGS,
                "--json",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    task = result["tasks"][0]
    # random never converges: 8 population rounds of 8 interactions, 2 agents asked in each
    assert task["calls"] == 8 * 8 * 2
    model = result["models"][0]
    assert model["input_tokens"] == task["input_tokens"] > 0
    assert model["cost_usd"] == pytest.approx(
        model["input_tokens"] * 1.5e-7 + model["output_tokens"] * 6e-7
    )


def test_progress_line_reports_episodes_retries_and_tokens(serve, tmp_path, capsys):
    from collective_bench.providers.reference_server import Faults
    from collective_bench.providers.retry import STATS

    STATS.clear()
    server = serve(policy="textbook", faults=Faults(rate_limit=0.1, retry_after=0.01, seed=2))
    assert (
        main(
            [
                "run",
                "--task",
                "naming_game",
                "--model",
                "litellm/openai/textbook",
                "-M",
                "send_observation=true",
                "--model-base-url",
                server.base_url,
                "--episodes",
                "2",
                *TASK_ARGS,
                "--log-dir",
                str(tmp_path),
                "--display",
                "plain",
            ]
        )
        == 0
    )
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("[progress]")]
    final = lines[-1]
    assert "litellm/openai/textbook: 2/2 episodes, 0 errors" in final
    retries = int(final.split(" retries")[0].rsplit(", ", 1)[1].replace(",", ""))
    assert retries == server.snapshot()["rate_limit"] > 0
    assert "cost" not in final and final.endswith("unknown so far")  # unpriced: never $0


def test_compact_transcript_sweep_counts_the_same_and_leaves_no_mode_behind(
    serve, tmp_path, capsys, monkeypatch
):
    from collective_bench.lean import TRANSCRIPT_ENV

    monkeypatch.delenv(TRANSCRIPT_ENV, raising=False)
    server = serve(policy="textbook")
    assert (
        main(
            [
                "run",
                "--task",
                "naming_game",
                "--model",
                "litellm/openai/textbook",
                "-M",
                "send_observation=true",
                "--model-base-url",
                server.base_url,
                "--episodes",
                "2",
                *TASK_ARGS,
                "--log-dir",
                str(tmp_path),
                "--display",
                "plain",
                "--transcript",
                "compact",
            ]
        )
        == 0
    )
    assert TRANSCRIPT_ENV not in os.environ  # the next eval in this process is not affected
    final = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("[progress]")][-1]
    calls = int(final.split(" calls")[0].rsplit(", ", 1)[1].replace(",", ""))
    assert calls == server.snapshot()["requests"] > 0  # the progress hook saw every call
    log = read_eval_log(list_eval_logs(str(tmp_path))[0].name)
    assert {s.store["EpisodeRecord:transcript"] for s in log.samples} == {"compact"}
    assert log.stats.model_usage["litellm/openai/textbook"].input_tokens > 0
