"""Cost per agent turn: the inspect driver beside the direct driver, same game, same policy.

The inspect path renders the prompt, goes through inspect's model layer to the reference
provider (which parses the block and counts tokens), parses the answer and records the event;
the direct path calls the policy on the observation. Their difference is the harness overhead.
"""

from __future__ import annotations

import os
import time

from inspect_ai import eval

import collective_bench  # noqa: F401
from collective_bench.benchmarks.conventions.game import NamingGame, NamingParams
from collective_bench.benchmarks.conventions.policies import uniform
from collective_bench.benchmarks.conventions.tasks import naming_game
from collective_bench.driver_direct import run_direct

EPISODES, ROUNDS, AGENTS = 4, 30, 24


def inspect_ms_per_turn(transcript: str = "full") -> tuple[float, int]:
    os.environ["CBENCH_TRANSCRIPT"] = transcript
    eval(naming_game(episodes=1, max_rounds=2), model="reference/random", display="none",
         log_dir="/tmp/cbench-perf-warm", log_realtime=False)
    start = time.perf_counter()
    log = eval(naming_game(episodes=EPISODES, max_rounds=ROUNDS), model="reference/random",
               display="none", log_dir="/tmp/cbench-perf", log_realtime=False)[0]
    elapsed = time.perf_counter() - start
    turns = sum(int(s.scores["episode_scorer"].metadata["asked"]) for s in log.samples)
    return 1000 * elapsed / turns, turns


def direct_ms_per_turn() -> float:
    game = NamingGame(NamingParams(n_agents=AGENTS, max_rounds=ROUNDS, stop_early=False))
    start = time.perf_counter()
    for seed in range(EPISODES):
        run_direct(game, seed, lambda _agent: uniform)
    return 1000 * (time.perf_counter() - start) / (EPISODES * ROUNDS * AGENTS)


def main() -> None:
    inspect_ms, turns = inspect_ms_per_turn()
    compact_ms, _ = inspect_ms_per_turn("compact")
    direct_ms = direct_ms_per_turn()
    print(f"inspect driver: {inspect_ms:.3f} ms per agent turn ({turns} turns, eval() included)")
    print(f"inspect driver, --transcript compact: {compact_ms:.3f} ms per agent turn")
    print(f"direct driver:  {direct_ms:.4f} ms per agent turn")
    print(f"overhead of the inspect path: {inspect_ms - direct_ms:.3f} ms per turn "
          f"({inspect_ms / direct_ms:.0f}x the direct driver)")


if __name__ == "__main__":
    main()
