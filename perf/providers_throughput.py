"""Calls per second against `cbench serve-reference` (latency L = 100 ms), beside a sequential
loop of the same calls, plus the harness's own cost per call and memory per 1,000 agents in
flight.

One episode of a 256-agent naming game over the litellm provider (real HTTP, a separate server
process): achieved calls/s for connection limits C = 1, 16, 64, 256 against the ideal C/L
(goal: >= 0.9 C/L up to 64, >= 0.8 C/L at 256), in both transcript modes side by side: `full`
(every call through inspect's Model.generate and litellm) and `compact` (calls go straight to
the endpoint; see collective_bench/lean.py). Throughput is measured at the server, from the
episode's first request to its last response; the server is warmed up first and its counters
reset, so neither process start-up nor the server's first-request cost is counted.
"""

from __future__ import annotations

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


def stats(base_url: str, reset: bool = False) -> dict[str, float]:
    request = urllib.request.Request(base_url.removesuffix("/v1") + "/stats",
                                     method="DELETE" if reset else "GET")
    with urllib.request.urlopen(request) as r:
        return dict(json.loads(r.read()))


def warm_up(base_url: str) -> None:
    """One real call (the server loads its tokenizer on the first), then zero the counters."""
    from benchmarks.conventions.adapter import ADAPTER
    from benchmarks.conventions.game import NamingGame, NamingParams

    game = NamingGame(NamingParams(n_agents=2))
    state = game.initial_state(0)
    prompt = ADAPTER.render(game.observe(state, game.acting_agents(state)[0]))
    body = json.dumps({"model": "textbook", "messages": [{"role": "user", "content": prompt}]})
    urllib.request.urlopen(urllib.request.Request(
        base_url + "/chat/completions", data=body.encode(),
        headers={"Content-Type": "application/json"})).read()
    stats(base_url, reset=True)


def run_episode(base_url: str, connections: int, rounds: int, agents: int = AGENTS,
                model: str = "litellm/openai/textbook", transcript: str = "full") -> float:
    if model.startswith("openai-api/"):  # inspect's own OpenAI-compatible provider
        os.environ["REF_BASE_URL"], os.environ["REF_API_KEY"] = base_url, "none"
    os.environ["CBENCH_TRANSCRIPT"] = transcript
    eval(naming_game(n_agents=agents, max_rounds=rounds, episodes=1),
         model=model, model_base_url=base_url,
         max_connections=connections, display="none", log_dir="/tmp/cbench-perf-providers",
         log_realtime=False)
    return time.perf_counter()


def throughput(connections: int, rounds: int, model: str = "litellm/openai/textbook",
               transcript: str = "full") -> tuple[float, int]:
    proc, base_url = start_server(LATENCY_MS)
    try:
        warm_up(base_url)
        run_episode(base_url, connections, rounds, model=model, transcript=transcript)
        s = stats(base_url)
        return s["requests"] / (s["last_response"] - s["first_request"]), int(s["requests"])
    finally:
        proc.terminate()
        proc.wait()


def overhead(transcript: str) -> tuple[float, float]:
    """Harness wall ms and CPU ms per call against a server that answers at once (L = 0)."""
    proc, base_url = start_server(0)
    try:
        run_episode(base_url, 64, 2, agents=64, transcript=transcript)  # imports, connections
        before = stats(base_url)["requests"]
        start, cpu = time.perf_counter(), time.process_time()
        run_episode(base_url, 64, 10, agents=64, transcript=transcript)
        calls = stats(base_url)["requests"] - before
        return (1000 * (time.perf_counter() - start) / calls,
                1000 * (time.process_time() - cpu) / calls)
    finally:
        proc.terminate()
        proc.wait()


def memory_per_1000_in_flight(transcript: str) -> float:
    """Peak RSS growth (MiB) while 1,000 agents' calls are in flight at once (L = 2 s).

    Peak RSS only grows, so run the mode with the larger footprint (full) last.
    """
    proc, base_url = start_server(2000)
    try:
        run_episode(base_url, 1000, 1, agents=8, transcript=transcript)
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        run_episode(base_url, 1000, 1, agents=1000, transcript=transcript)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        in_flight = stats(base_url)["max_in_flight"]
        return (peak - base) / 1024 * 1000 / max(1, in_flight)
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    os.environ.setdefault("CBENCH_PROGRESS", "0")
    print(f"server latency L = {LATENCY_MS} ms, one episode of {AGENTS} agents, litellm/ provider")
    print(f"{'C':>5} {'calls':>6} {'C/L':>7}   {'compact: calls/s (ratio)':>25}   "
          f"{'full: calls/s (ratio)':>24}")
    rates: dict[tuple[str, int], float] = {}
    for connections, rounds in ((1, 1), (16, 4), (64, 8), (256, 16)):
        for mode in ("compact", "full"):
            rates[mode, connections], calls = throughput(connections, rounds, transcript=mode)
        ideal = connections / (LATENCY_MS / 1000)
        compact, full = rates["compact", connections], rates["full", connections]
        print(f"{connections:>5} {calls:>6} {ideal:>7.0f}   "
              f"{compact:>17.1f} ({compact / ideal:.2f})   {full:>16.1f} ({full / ideal:.2f})",
              flush=True)
    for mode in ("compact", "full"):
        print(f"{mode}: concurrent rounds at C=256 vs the same calls one at a time (C=1): "
              f"{rates[mode, 256] / rates[mode, 1]:.0f}x")
    for mode in ("compact", "full"):
        wall, cpu = overhead(mode)
        print(f"{mode}: harness cost per call (L = 0, C = 64): {wall:.2f} ms wall, "
              f"{cpu:.2f} ms CPU", flush=True)
    for mode in ("compact", "full"):
        print(f"{mode}: memory per 1,000 agents in flight: "
              f"{memory_per_1000_in_flight(mode):.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
