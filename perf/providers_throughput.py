"""Calls per second against `cbench serve-reference` (latency L = 100 ms), beside a sequential
loop of the same calls, plus the harness's own cost per call and memory per 1,000 agents in
flight.

One episode of a 256-agent naming game over the litellm path (real HTTP, a separate server
process): achieved calls/s for connection limits C = 1, 16, 64, 256 against the ideal C/L
(goal: >= 0.9 C/L up to 64, >= 0.8 C/L at 256). Throughput is measured at the server, from the
first request to the last response, so process start-up is not counted.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from inspect_ai import eval

import collective_bench  # noqa: F401
from benchmarks.conventions.tasks import naming_game

ROOT = Path(__file__).resolve().parents[1]
LATENCY_MS = 100
AGENTS = 256


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(latency_ms: float) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "collective_bench.cli", "serve-reference", "--port", str(port),
         "--latency-ms", str(latency_ms)], cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/v1/models", timeout=1)
            return proc, url + "/v1"
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def stats(base_url: str) -> dict[str, float]:
    with urllib.request.urlopen(base_url.removesuffix("/v1") + "/stats") as r:
        return dict(json.loads(r.read()))


def run_episode(base_url: str, connections: int, rounds: int, agents: int = AGENTS,
                model: str = "litellm/openai/textbook") -> float:
    if model.startswith("openai-api/"):  # inspect's own OpenAI-compatible provider
        os.environ["REF_BASE_URL"], os.environ["REF_API_KEY"] = base_url, "none"
    eval(naming_game(n_agents=agents, max_rounds=rounds, episodes=1),
         model=model, model_base_url=base_url,
         max_connections=connections, display="none", log_dir="/tmp/cbench-perf-providers",
         log_realtime=False)
    return time.perf_counter()


def throughput(connections: int, rounds: int,
               model: str = "litellm/openai/textbook") -> tuple[float, int]:
    proc, base_url = start_server(LATENCY_MS)
    try:
        run_episode(base_url, connections, rounds, model=model)
        s = stats(base_url)
        return s["requests"] / (s["last_response"] - s["first_request"]), int(s["requests"])
    finally:
        proc.terminate()
        proc.wait()


async def sequential(base_url: str, calls: int) -> float:
    import litellm

    messages = [{"role": "user", "content": "hello"}]
    start = time.perf_counter()
    for _ in range(calls):
        await litellm.acompletion(model="openai/textbook", messages=messages,
                                  api_base=base_url, api_key="none")
    return calls / (time.perf_counter() - start)


def overhead_ms() -> float:
    """Harness cost per call with a server that answers instantly (L = 0)."""
    proc, base_url = start_server(0)
    try:
        run_episode(base_url, 64, 2, agents=64)  # warm up imports and connections
        before = stats(base_url)["requests"]
        start = time.perf_counter()
        run_episode(base_url, 64, 10, agents=64)
        calls = stats(base_url)["requests"] - before
        return 1000 * (time.perf_counter() - start) / calls
    finally:
        proc.terminate()
        proc.wait()


def memory_per_1000_in_flight() -> float:
    """Peak RSS growth (MiB) while 1,000 agents' calls are in flight at once (L = 2 s)."""
    proc, base_url = start_server(2000)
    try:
        run_episode(base_url, 1000, 1, agents=8)
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        run_episode(base_url, 1000, 1, agents=1000)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        in_flight = stats(base_url)["max_in_flight"]
        return (peak - base) / 1024 * 1000 / max(1, in_flight)
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    os.environ.setdefault("CBENCH_PROGRESS", "0")
    print(f"server latency L = {LATENCY_MS} ms, one episode of {AGENTS} agents")
    print(f"{'C':>5} {'calls':>6} {'C/L':>7}   {'litellm/ calls/s (ratio)':>25}   "
          f"{'openai-api/ calls/s (ratio)':>28}")
    for connections, rounds in ((1, 1), (16, 4), (64, 8), (256, 16)):
        rate, calls = throughput(connections, rounds)
        native, _ = throughput(connections, rounds, model="openai-api/ref/textbook")
        ideal = connections / (LATENCY_MS / 1000)
        print(f"{connections:>5} {calls:>6} {ideal:>7.0f}   {rate:>17.1f} ({rate / ideal:.2f})"
              f"   {native:>20.1f} ({native / ideal:.2f})")
        if connections == 256:
            parallel = rate
    proc, base_url = start_server(LATENCY_MS)
    try:
        seq = asyncio.run(sequential(base_url, 30))
    finally:
        proc.terminate()
        proc.wait()
    print(f"sequential loop of the same calls: {seq:.1f} calls/s; "
          f"concurrent rounds (C=256) are {parallel / seq:.0f}x faster")
    print(f"harness overhead per call (L = 0, litellm path, C=64): {overhead_ms():.2f} ms")
    print(f"memory per 1,000 agents in flight: {memory_per_1000_in_flight():.0f} MiB")


if __name__ == "__main__":
    main()
