"""Calls per second against `cbench serve-reference` (latency L = 100 ms) in compact mode beside
a bare aiohttp client loop in the same run, the harness's CPU per call in both transcript modes,
and the file descriptors a compact run holds at 8 episodes x 256 connections.

A 256-agent naming game on its concurrent schedule (every agent in every step, a barrier at
the end of each step) over the litellm provider (real HTTP, a separate server process,
`-M send_observation=true`): achieved calls/s at connection limits C = 64 and 256 against the
ideal C/L and against the bare client (goals, issue 16: >= 0.95 of the bare client's calls/s,
>= 0.9 C/L at C = 64). Played with one episode (every step's game work, prompt rendering and
answer reading runs while none of the episode's calls are in flight: a bound set by the game's
barrier, not by the provider layer) and with 4 episodes sharing the limit, as a run's
episodes do (the other episodes' calls fill one episode's barrier). The bare loop plays the
same number of episodes, with the same barriers and one shared limit. `compact` calls go
straight to the endpoint over one shared aiohttp session (collective_bench/compact.py,
providers/http_client.py); `full` calls go through inspect's Model.generate and litellm.
`--memory MODE` prints the memory per 1,000 agents in flight (a separate process, as peak RSS
never goes down).

Throughput is measured at the server, from the episode's first request to its last response;
the server and the harness process are warmed up first (one call, then a 4-agent run) and the
counters reset, so neither process's start-up is counted. The episode's own cost of opening its
connections is counted. The server's own CPU per call is printed too: it shares the machine's
cores with the harness.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from inspect_ai import eval

import collective_bench  # noqa: F401
from collective_bench.benchmarks.conventions.tasks import naming_game

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
    from collective_bench.benchmarks.conventions.adapter import ADAPTER
    from collective_bench.benchmarks.conventions.game import NamingGame, NamingParams

    game = NamingGame(NamingParams(n_agents=2))
    state = game.initial_state(0)
    prompt = ADAPTER.render(game.observe(state, game.acting_agents(state)[0]))
    body = json.dumps({"model": "textbook", "messages": [{"role": "user", "content": prompt}]})
    urllib.request.urlopen(urllib.request.Request(
        base_url + "/chat/completions", data=body.encode(),
        headers={"Content-Type": "application/json"})).read()
    stats(base_url, reset=True)


def run_episode(base_url: str, connections: int, rounds: int, agents: int = AGENTS,
                model: str = "litellm/openai/textbook", transcript: str = "full",
                episodes: int = 1) -> float:
    if model.startswith("openai-api/"):  # inspect's own OpenAI-compatible provider
        os.environ["REF_BASE_URL"], os.environ["REF_API_KEY"] = base_url, "none"
    os.environ["CBENCH_TRANSCRIPT"] = transcript
    # the concurrent schedule (every agent in every step): the default one-pair-at-a-time
    # protocol keeps only 2 calls in flight, whatever C is
    log = eval(naming_game(n_agents=agents, max_rounds=rounds, episodes=episodes,
                           schedule="rounds"),
               model=model, model_base_url=base_url,
               model_args={} if model.startswith("openai-api/") else {"send_observation": True},
               max_connections=connections, display="none",
               log_dir="/tmp/cbench-perf-providers", log_realtime=False)[0]
    if log.status != "success":  # a figure from a failed run would be meaningless
        raise RuntimeError(f"episode failed: {log.error.message if log.error else log.status}")
    return time.perf_counter()


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of another process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def throughput(connections: int, rounds: int, model: str = "litellm/openai/textbook",
               transcript: str = "full", episodes: int = 1) -> tuple[float, int, float]:
    """(calls/s, calls, the server's CPU ms per call) for one measured episode."""
    proc, base_url = start_server(LATENCY_MS)
    try:
        warm_up(base_url)
        # the process's own first-run costs (lazy imports, first scorer, log writer) are
        # start-up, not throughput: a tiny run first, then count from zero
        run_episode(base_url, 4, 1, agents=4, model=model, transcript=transcript)
        stats(base_url, reset=True)
        server_cpu = process_cpu_seconds(proc.pid)
        run_episode(base_url, connections, rounds, model=model, transcript=transcript,
                    episodes=episodes)
        s = stats(base_url)
        server_ms = 1000 * (process_cpu_seconds(proc.pid) - server_cpu) / s["requests"]
        return (s["requests"] / (s["last_response"] - s["first_request"]), int(s["requests"]),
                server_ms)
    finally:
        proc.terminate()
        proc.wait()


async def _bare_rounds(base_url: str, connections: int, rounds: int, episodes: int = 1) -> None:
    """`episodes` loops of `rounds` rounds of the first round's prompts, each round a barrier,
    sharing one session and one limit of `connections` calls in flight (as a run's episodes
    share inspect's per-endpoint semaphore)."""
    import aiohttp

    from collective_bench.benchmarks.conventions.adapter import ADAPTER
    from collective_bench.benchmarks.conventions.game import NamingGame, NamingParams

    game = NamingGame(NamingParams(n_agents=AGENTS, schedule="rounds"))
    state = game.initial_state(0)
    observations = [game.observe(state, a) for a in game.acting_agents(state)]
    bodies = [json.dumps({"model": "textbook", "messages": [
        {"role": "system", "content": ADAPTER.system_text(obs)},
        {"role": "user", "content": ADAPTER.render(obs)}]}).encode()
        for obs in observations]
    slots = asyncio.Semaphore(connections)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        async def call(body: bytes) -> None:
            async with slots, session.post(base_url + "/chat/completions", data=body,
                                           headers={"Content-Type": "application/json"}) as r:
                await r.read()

        async def episode() -> None:
            for _ in range(rounds):
                await asyncio.gather(*(call(b) for b in bodies))

        await asyncio.gather(*(episode() for _ in range(episodes)))


def bare_throughput(connections: int, rounds: int, episodes: int = 1) -> float:
    """A reference point: the same first-round prompts, round after round, from a bare aiohttp
    client loop (no harness, no game, no parsing, bodies encoded once) against the same server.
    Its prompts repeat, so the server's token counts come from its cache: a little cheaper per
    call than a real episode's."""
    proc, base_url = start_server(LATENCY_MS)
    try:
        warm_up(base_url)
        asyncio.run(_bare_rounds(base_url, connections, rounds, episodes))
        s = stats(base_url)
        return s["requests"] / (s["last_response"] - s["first_request"])
    finally:
        proc.terminate()
        proc.wait()


def overhead(transcript: str) -> tuple[float, float]:
    """Harness wall ms and CPU ms per call against a server that answers at once (L = 0).

    Marginal cost: the difference between a long and a short episode, divided by the
    difference in calls, so eval()'s fixed cost per run is not spread over the calls; the
    median of three such pairs, after two warm-up runs (the first runs of a process pay for
    lazy imports and the one-off heap freeze of `collective_bench.compact`).
    """
    proc, base_url = start_server(0)
    try:
        for _ in range(2):
            run_episode(base_url, 64, 2, agents=128, transcript=transcript)
        walls, cpus = [], []
        for _ in range(3):
            measured = []
            for rounds in (4, 16):
                before = stats(base_url)["requests"]
                start, cpu = time.perf_counter(), time.process_time()
                run_episode(base_url, 64, rounds, agents=128, transcript=transcript)
                measured.append((stats(base_url)["requests"] - before,
                                 time.perf_counter() - start, time.process_time() - cpu))
            (c1, w1, p1), (c2, w2, p2) = measured
            walls.append(1000 * (w2 - w1) / (c2 - c1))
            cpus.append(1000 * (p2 - p1) / (c2 - c1))
        return statistics.median(walls), statistics.median(cpus)
    finally:
        proc.terminate()
        proc.wait()


def memory_per_1000_in_flight(transcript: str) -> float:
    """Peak RSS growth (MiB) while 1,000 agents' calls are in flight at once (L = 2 s)."""
    proc, base_url = start_server(2000)
    try:
        run_episode(base_url, 1000, 1, agents=8, transcript=transcript)
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        run_episode(base_url, 1000, 1, agents=1000, transcript=transcript)
        if stats(base_url)["requests"] < 1000:
            raise RuntimeError("the 1,000-agent round did not reach the server")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        in_flight = stats(base_url)["max_in_flight"]
        return (peak - base) / 1024 * 1000 / max(1, in_flight)
    finally:
        proc.terminate()
        proc.wait()


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def peak_fds(episodes: int = 8, connections: int = 256) -> tuple[int, int, int]:
    """(peak open fds of this process, the fds before, requests) while `episodes` compact
    episodes of `connections` agents each run one round together (L = 1 s, so every call is
    in flight at once), with `--max-connections` = `connections`."""
    import threading

    proc, base_url = start_server(1000)
    try:
        run_episode(base_url, 4, 1, agents=4, transcript="compact")
        stats(base_url, reset=True)
        before = open_fds()
        peak = before
        done = threading.Event()

        def watch() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, open_fds())
                time.sleep(0.02)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            run_episode(base_url, connections, 1, agents=connections, transcript="compact",
                        episodes=episodes)
        finally:
            done.set()
            watcher.join()
        return peak, before, int(stats(base_url)["requests"])
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    os.environ.setdefault("CBENCH_PROGRESS", "0")
    print(f"server latency L = {LATENCY_MS} ms, {AGENTS}-agent episodes, litellm/ provider,"
          " compact transcript; the bare loop plays as many episodes, sharing one limit")
    print(f"{'C':>5} {'episodes':>8} {'calls':>6} {'C/L':>7}   {'compact: calls/s (of C/L)':>26}"
          f"   {'bare aiohttp loop (of C/L)':>27}   {'compact / bare':>14}")
    for connections, episodes in ((64, 1), (256, 1), (64, 4), (256, 4)):
        rounds = 6
        compact, calls, server = throughput(connections, rounds, transcript="compact",
                                            episodes=episodes)
        bare = bare_throughput(connections, rounds, episodes)
        ideal = connections / (LATENCY_MS / 1000)
        print(f"{connections:>5} {episodes:>8} {calls:>6} {ideal:>7.0f}   "
              f"{compact:>18.1f} ({compact / ideal:.2f})   {bare:>19.1f} ({bare / ideal:.2f})"
              f"   {compact / bare:>14.2f}"
              f"   (server CPU {server:.3f} ms/call)", flush=True)
    for mode in ("compact", "full"):
        wall, cpu = overhead(mode)
        print(f"{mode}: harness cost per call (L = 0, C = 64, marginal): {wall:.2f} ms wall, "
              f"{cpu:.2f} ms CPU", flush=True)
    peak, before, requests = peak_fds()
    print(f"compact, 8 episodes x 256 connections in flight ({requests} calls): peak "
          f"{peak} open file descriptors ({peak - before} above the {before} before the run; "
          f"a pool per episode would need ~{8 * 256})")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--memory"]:
        os.environ["CBENCH_PROGRESS"] = "0"
        print(memory_per_1000_in_flight(sys.argv[2]))
    else:
        main()
