"""The cbench CLI: the quick-start commands and one-line errors with exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from collective_bench.cli import main

ROOT = Path(__file__).resolve().parents[2]
CBENCH = [sys.executable, "-m", "collective_bench.cli"]


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([*CBENCH, *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=300)


@pytest.mark.parametrize(
    "args, expected",
    [
        (["run", "--task", "no_such_task"], "unknown task 'no_such_task'"),
        (["run", "--model", "reference/nobody"], "unknown reference model 'reference/nobody'"),
        (["run", "--model", "nosuchprovider/x"], "cannot use model 'nosuchprovider/x'"),
        (["run", "--model", "gpt-4o"], "needs a provider prefix"),
        (["run", "-T", "n_agentz=4"], "unknown task parameter 'n_agentz'"),
        (["run", "--task", "naming_game", "-T", "n_agents=1"],
         "-T n_agents must be a whole number >= 2, got 1"),
        (["run", "--task", "committed_minority", "-T", "fractions=a,b"], "fractions must be"),
        (["run", "-T", "oops"], "-T expects key=value"),
        (["scores", "/nonexistent/logs"], "log directory '/nonexistent/logs' does not exist"),
        (["calibrate", "naming", "--sizes", "8,x"], "--sizes expects comma-separated ints"),
        (["calibrate", "opinionz"], "invalid choice: 'opinionz'"),
        (["run", "--episodes", "many"], "invalid int value: 'many'"),
        (["run", "--task", "naming_game", "-T", "n_agents=10000000"],
         "n_agents=10000000 is above task naming_game's population bound of 4096"),
        (["run", "--task", "naming_game", "--max-agents", "1"],
         "--max-agents must be at least 2, got 1"),
        (["estimate", "--model", "openai/gpt-4o-mini", "--task", "naming_game", "-T",
          "n_agents=5000"], "bound of 4096: one episode would keep about"),
        (["estimate", "--model", "openai/gpt-4o-mini", "--max-agents", "1"],
         "--max-agents must be at least 2, got 1"),
        (["tipping", "--model", "reference/textbook", "--n-agents", "5000"],
         "pass --max-agents 5000"),
        (["tipping", "--model", "reference/textbook", "--max-agents", "0"],
         "--max-agents must be at least 2, got 0"),
    ],
)
def test_bad_input_is_one_line_exit_2(args, expected, capsys, tmp_path):
    try:
        code = main([*args, "--log-dir", str(tmp_path)] if args[0] == "run" else args)
    except SystemExit as exit_:  # argparse's own usage errors
        code = int(exit_.code or 0)
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_bad_input_from_a_real_process_has_no_traceback():
    proc = run_cli("run", "--task", "nope")
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("cbench: error: unknown task 'nope'")
    assert "Traceback" not in proc.stderr


def test_corrupt_log_is_named(tmp_path, capsys):
    bad = tmp_path / "2026-01-01T00-00-00+00-00_naming-game_abc.eval"
    bad.write_bytes(b"this is not a zip file")
    code = main(["scores", str(tmp_path)])
    err = capsys.readouterr().err
    # named in one warning line and skipped: one bad log never blocks the others' results
    assert code == 0 and "cannot be read" in err and bad.name in err


def test_list_json_has_every_task():
    proc = run_cli("list", "--json")
    assert proc.returncode == 0, proc.stderr
    names = {t["name"] for t in json.loads(proc.stdout)}
    assert {"naming_game", "naming_game_binary", "committed_minority"} <= names


@pytest.mark.slow
def test_run_then_scores_then_leaderboard(tmp_path, capsys):
    logs = tmp_path / "logs"
    code = main(["run", "--task", "naming_game", "--episodes", "2", "-T", "max_rounds=30",
                 "--log-dir", str(logs), "--display", "none"])
    assert code == 0
    capsys.readouterr()
    assert main(["scores", str(logs), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    keys = {"model", "task", "task_version", "metric", "value", "ci_low", "ci_high",
            "n_episodes", "log"}
    assert rows and all(keys <= set(r) for r in rows)
    consensus = {r["model"]: r["value"] for r in rows if r["metric"] == "consensus"}
    agreement = {r["model"]: r["value"] for r in rows if r["metric"] == "final_agreement"}
    assert consensus["reference/random"] == 0.0
    assert consensus["reference/textbook"] > 0.0
    assert agreement["reference/textbook"] > 2 * agreement["reference/random"]
    for r in rows:
        if r["value"] is not None and r["ci_low"] is not None:  # no spread: no interval
            assert r["ci_low"] <= r["value"] <= r["ci_high"]
    assert all(not Path(r["log"]).is_absolute() and r["log"].endswith(".eval") for r in rows)
    assert all(r["cost_usd"] == 0.0 for r in rows)  # reference models: known, zero
    assert main(["scores", str(logs), "--format", "csv"]) == 0
    csv_lines = capsys.readouterr().out.splitlines()
    assert csv_lines[0].startswith("model,task,task_version,family,metric,value")
    assert len(csv_lines) == len(rows) + 1

    # the same command again resumes the eval set: nothing left to run, no new logs
    before = sorted(p.name for p in logs.glob("*.eval"))
    assert main(["run", "--task", "naming_game", "--episodes", "2", "-T", "max_rounds=30",
                 "--log-dir", str(logs), "--display", "none"]) == 0
    assert sorted(p.name for p in logs.glob("*.eval")) == before

    site = tmp_path / "site"
    assert main(["leaderboard", "build", "--results", str(logs), "--out", str(site)]) == 0
    index = Path(capsys.readouterr().out.strip().splitlines()[-1])
    assert index.exists() and "reference/textbook" in index.read_text()


def test_same_seed_gives_identical_scores(tmp_path, capsys):
    outputs = []
    for run in ("a", "b"):
        logs = tmp_path / run
        assert main(["run", "--task", "naming_game_binary", "--model", "reference/random",
                     "--episodes", "3", "-T", "max_rounds=6", "--seed", "7",
                     "--log-dir", str(logs), "--display", "none"]) == 0
        capsys.readouterr()
        assert main(["scores", str(logs)]) == 0
        rows = json.loads(capsys.readouterr().out)
        outputs.append(json.dumps(
            [{k: r[k] for k in ("model", "task", "metric", "value", "ci_low", "ci_high",
                                "n_episodes", "input_tokens", "output_tokens")} for r in rows]
        ))
    assert outputs[0] == outputs[1]


def test_calibrate_naming_json():
    proc = run_cli("calibrate", "naming", "--sizes", "16,32,64", "--runs", "3", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert set(result) == {"sizes", "convergence_time", "peak_words", "peak_time", "exponents"}
    assert result["sizes"] == [16, 32, 64]
    assert all(1.0 < e < 2.0 for e in result["exponents"].values())


@pytest.mark.slow
def test_inspect_cli_lists_and_runs_a_task(tmp_path):
    inspect = str(Path(sys.executable).parent / "inspect")
    listed = subprocess.run([inspect, "list", "tasks", "collective_bench/benchmarks"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert "naming_game" in listed.stdout and "committed_minority" in listed.stdout
    ran = subprocess.run(
        [inspect, "eval", "collective_bench/benchmarks/conventions/tasks.py@naming_game", "--model",
         "reference/textbook", "-T", "episodes=1", "-T", "max_rounds=4", "--log-dir",
         str(tmp_path), "--display", "none"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    assert list(tmp_path.glob("*.eval"))
