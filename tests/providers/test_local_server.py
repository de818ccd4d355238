"""The local model server's lifecycle: it never outlives the run, and start failures are one line.

The lifecycle tests run the real child (`providers/local/_child.py`) with its guards, in a dummy
mode that loads no model, under a parent process that then dies in the ways a run can end.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from collective_bench.errors import UserError
from collective_bench.providers.local.api import LocalAPI, cache_metadata, parse_model_args
from collective_bench.providers.local.server import LocalServer, ServerSettings

PARENT = """
import sys, threading, time
from collective_bench.providers.local.server import LocalServer, ServerSettings
def start():
    server = LocalServer(ServerSettings(model_path="", alias="t", dummy="ready")).start()
    print(server.process.pid, flush=True)
if sys.argv[1] == "thread":  # started off the main thread: no PDEATHSIG, the other guards hold
    t = threading.Thread(target=start); t.start(); t.join()
else:
    start()
if sys.argv[2] == "raise":
    sys.stdin.readline()  # the test has seen the child alive: now fail
    raise RuntimeError("the run failed")
time.sleep(60)
"""


def alive(pid: int) -> bool:
    """Running and not a zombie (a re-parented child may wait for a reaper that never comes)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def wait_gone(pid: int, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


def start_parent(where: str, then: str) -> tuple[subprocess.Popen[str], int]:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, where, then],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert alive(child)
    return parent, child


@pytest.mark.parametrize("where", ["main", "thread"])
def test_no_orphan_when_the_parent_is_killed(where):
    parent, child = start_parent(where, "sleep")
    time.sleep(0.3)
    assert alive(child)  # the guards do not end it while the parent lives
    parent.send_signal(signal.SIGKILL)
    parent.wait(10)
    try:
        assert wait_gone(child), "the server outlived a SIGKILLed parent"
    finally:
        if alive(child):
            os.kill(child, signal.SIGKILL)


@pytest.mark.parametrize("how", ["raise", "ctrl-c"])
def test_no_orphan_after_an_exception_or_ctrl_c(how):
    parent, child = start_parent("main", "raise" if how == "raise" else "sleep")
    if how == "ctrl-c":
        parent.send_signal(signal.SIGINT)
    else:
        assert parent.stdin is not None
        parent.stdin.write("go\n")
        parent.stdin.flush()
    parent.wait(10)
    assert parent.returncode != 0
    try:
        assert wait_gone(child), f"the server outlived the parent ({how})"
    finally:
        if alive(child):
            os.kill(child, signal.SIGKILL)


def test_stop_kills_the_child_and_is_idempotent():
    server = LocalServer(ServerSettings(model_path="", alias="t", dummy="ready")).start()
    assert server.process is not None
    pid = server.process.pid
    assert server.running()
    server.stop()
    server.stop()
    assert not server.running() and wait_gone(pid)


def test_port_in_use_is_one_line():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(UserError) as error:
            LocalServer(ServerSettings(model_path="", alias="t", port=port, dummy="ready")).start()
    assert str(error.value) == (
        f"port {port} on 127.0.0.1 is in use; pass a free one (-M port=N) or leave -M port out "
        "to pick one"
    )


def test_never_healthy_is_one_line_and_leaves_no_process():
    server = LocalServer(ServerSettings(model_path="", alias="t", start_timeout=1.0,
                                        dummy="silent"))
    spawned: list[int] = []
    original = subprocess.Popen.__init__

    def record(self, *args, **kwargs):
        original(self, *args, **kwargs)
        spawned.append(self.pid)

    subprocess.Popen.__init__ = record  # type: ignore[method-assign]
    try:
        with pytest.raises(UserError, match=r"did not become healthy within 1 s; raise -M "
                                            r"start_timeout=SECONDS or see .*\.log$"):
            server.start()
    finally:
        subprocess.Popen.__init__ = original  # type: ignore[method-assign]
    assert spawned and wait_gone(spawned[0])


def test_a_server_that_cannot_load_the_file_is_one_line(tmp_path):
    if importlib.util.find_spec("xllamacpp") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI installs the `local` extra; xllamacpp is missing")
        pytest.skip("xllamacpp (extra `local`) is not installed")
    truncated = tmp_path / "truncated.gguf"
    truncated.write_bytes(b"GGUF\x03\x00\x00\x00")
    with pytest.raises(UserError) as error:
        LocalServer(ServerSettings(model_path=str(truncated), alias="t")).start()
    message = str(error.value)
    assert message.startswith("the local model server failed to start (gguf_init_from")
    assert "complete llama.cpp model" in message and "\n" not in message


def test_model_args_are_checked_before_any_work():
    assert parse_model_args({"threads": "2", "port": "0"}) == {"threads": 2, "port": 0}
    with pytest.raises(UserError, match="local models take no -M api_base; they take threads"):
        parse_model_args({"api_base": "x"})
    with pytest.raises(UserError, match="-M threads must be >= 1"):
        parse_model_args({"threads": 0})
    with pytest.raises(UserError, match="-M n_ctx must be a number"):
        parse_model_args({"n_ctx": "big"})
    with pytest.raises(UserError, match="drop --model-base-url"):
        LocalAPI("qwen2.5-coder-0.5b", base_url="http://127.0.0.1:1/v1")


def test_prefix_cache_share_from_llama_cpp_timings_or_openai_usage():
    llama = {"usage": {"prompt_tokens": 281, "prompt_tokens_details": {"cached_tokens": 212}},
             "timings": {"cache_n": 212, "prompt_n": 69, "prompt_ms": 900.0,
                         "predicted_ms": 100.0}}
    meta = cache_metadata(llama)
    assert meta["prompt_tokens_cached"] == 212 and meta["prompt_tokens_total"] == 281
    assert meta["prompt_cache_share"] == pytest.approx(212 / 281)
    assert meta["server_seconds"] == pytest.approx(1.0)
    openai_style = {"usage": {"prompt_tokens": 100, "prompt_tokens_details": {"cached_tokens": 0}}}
    assert cache_metadata(openai_style)["prompt_cache_share"] == 0.0
    assert cache_metadata({"usage": {"prompt_tokens": 10}}) == {}


def test_generate_config_reaches_the_request_with_the_prefix_cache_on():
    from inspect_ai.model import GenerateConfig

    api = LocalAPI.__new__(LocalAPI)  # no server: only the request shaping is under test
    api.model_name, api.service = "qwen2.5-coder-0.5b", "local"
    params = api.completion_params(
        GenerateConfig(temperature=0.5, max_tokens=8, stop_seqs=["\n"],
                       extra_body={"cache_prompt": False, "n_probs": 0}), tools=False)
    assert params["temperature"] == 0.5 and params["max_tokens"] == 8
    assert params["stop"] == ["\n"]
    # a user's explicit extra_body wins; otherwise the cache is on
    assert params["extra_body"] == {"cache_prompt": False, "n_probs": 0}
    assert api.completion_params(GenerateConfig(), tools=False)["extra_body"] == {
        "cache_prompt": True}
