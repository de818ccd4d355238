"""Peak memory of one episode against its calls and its population, in both transcript modes.

Each point is a fresh `cbench run` of one naming-game episode (concurrent schedule, reference
random, which never reaches consensus, so the episode makes exactly its bound of calls) in its
own process; its peak RSS comes from `os.wait4`. A least-squares fit of
peak = base + per_call * calls + per_agent * agents per mode gives the figures that
`collective_bench/footprint.py` declares for the population bound's memory estimate; the last
point is held out and compared with the declared figures' prediction.

    .venv/bin/python perf/episode_memory.py

Measured 2026-12-08 (2 cores; see perf/README.md): full ~31 KB per call, compact ~0.4 KB per
call, ~10 KB per agent.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from collective_bench.footprint import BYTES_PER_AGENT, BYTES_PER_CALL

ROOT = Path(__file__).parents[1]
FIT = [(256, 2), (1024, 2), (1024, 8), (4096, 2)]
HELD_OUT = (2048, 4)


def peak_rss(mode: str, agents: int, rounds: int) -> int:
    """Peak RSS in bytes of one episode's `cbench run`."""
    with tempfile.TemporaryDirectory() as logs:
        cmd = [sys.executable, "-m", "collective_bench.cli", "run", "--task", "naming_game",
               "--model", "reference/random", "--episodes", "1", "--transcript", mode,
               "--display", "none", "--log-dir", logs, "-T", f"n_agents={agents}",
               "-T", f"max_rounds={rounds}", "-T", "schedule=rounds"]
        child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        if status != 0:
            raise SystemExit(f"{' '.join(cmd)} failed with status {status}")
        return int(usage.ru_maxrss) * 1024


def calls(agents: int, rounds: int) -> int:
    return 2 * rounds * agents  # two players per interaction, N interactions per round


def main() -> None:
    for mode in ("full", "compact"):
        points = [(a, r, peak_rss(mode, a, r)) for a, r in FIT]
        design = np.array([[1.0, calls(a, r), a] for a, r, _ in points])
        peaks = np.array([p for _, _, p in points], dtype=float)
        (base, per_call, per_agent), *_ = np.linalg.lstsq(design, peaks, rcond=None)
        for a, r, p in points:
            print(f"{mode:8s} agents={a:5d} rounds={r} calls={calls(a, r):6d} "
                  f"peak={p / 1e6:7.1f} MB")
        print(f"{mode:8s} fit: base {base / 1e6:.0f} MB, {per_call / 1e3:.2f} KB per call, "
              f"{per_agent / 1e3:.2f} KB per agent")
        a, r = HELD_OUT
        measured = peak_rss(mode, a, r)
        declared = calls(a, r) * BYTES_PER_CALL[mode] + a * BYTES_PER_AGENT
        print(f"{mode:8s} held out agents={a} rounds={r}: peak {measured / 1e6:.1f} MB, "
              f"above base {(measured - base) / 1e6:.1f} MB; footprint.py declares "
              f"{declared / 1e6:.1f} MB ({BYTES_PER_CALL[mode] / 1e3:.2f} KB per call, "
              f"{BYTES_PER_AGENT / 1e3:.1f} KB per agent)")


if __name__ == "__main__":
    main()
