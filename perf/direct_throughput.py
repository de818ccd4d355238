"""Direct driver throughput on the minimal naming game at N=1024 (interactions per second)."""

from __future__ import annotations

import time

from collective_bench.benchmarks.conventions.calibration import run_minimal

N, RUNS = 1024, 3


def main() -> None:
    total = 0
    start = time.perf_counter()
    for seed in range(RUNS):
        total += run_minimal(N, seed).convergence_time
    elapsed = time.perf_counter() - start
    print(f"minimal naming game, N={N}: {total} interactions in {elapsed:.2f} s = "
          f"{total / elapsed:,.0f} interactions/s (mean convergence {total / RUNS:,.0f})")


if __name__ == "__main__":
    main()
