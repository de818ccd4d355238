"""Build the leaderboard from 1,000 synthetic result logs' worth of rows and report the cost.

1,000 runs (50 models x 20 tasks, split over a published release and local runs) x 10 metrics =
10,000 results-schema rows, no eval logs needed. Prints wall time per stage, the number of files
and bytes written, and peak memory (ru_maxrss of the process; with --tracemalloc also the
Python allocations).
Run from the repository root: `.venv/bin/python perf/leaderboard_build.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collective_bench.results_schema import ResultRow  # noqa: E402
from leaderboard.build import build_site  # noqa: E402
from leaderboard.releases import Release  # noqa: E402

METRICS = 10
MODELS = 50


def synthetic_rows(runs: int, seed: int = 0) -> list[ResultRow]:
    rng = random.Random(seed)
    tasks = max(runs // MODELS, 1)
    rows = []
    for number in range(runs):
        model = ("reference/" if number % MODELS < 3 else "vendor/") + f"model-{number % MODELS}"
        task = f"task_{number // MODELS % tasks:02d}"
        release = "2026.1" if number % 2 else "local"
        common = dict(
            model=model, model_roles={}, task=task, task_version="1.0.0",
            family=("conventions", "cooperation", "opinions", "values")[number % 4],
            n_episodes=20, episodes=20, seed=number, invalid_rate=0.01,
            input_tokens=rng.randrange(10**6), output_tokens=rng.randrange(10**5),
            cost_usd=round(rng.random(), 4), harness_version="0.1.0", git_commit="0" * 40,
            created=f"2026-01-{1 + number % 28:02d}T00:00:00+00:00",
            log=f"{release}/{task}/{number}.eval", log_sha256=f"{number:064x}")
        for m in range(METRICS):
            value = rng.random()
            rows.append(ResultRow(metric=f"metric_{m}", value=value,
                                  ci_low=max(value - 0.1, 0.0), ci_high=min(value + 0.1, 1.0),
                                  **common))  # type: ignore[arg-type]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also trace Python allocations (slows the build several times)")
    args = parser.parse_args()
    started = time.perf_counter()
    rows = synthetic_rows(args.runs)
    made = time.perf_counter()
    releases = {"2026.1": Release("2026.1", "2026.1", "1.0.0", "2026-01-31")}
    if args.tracemalloc:
        tracemalloc.start()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        build_site(rows, out, releases)
        built = time.perf_counter()
        files = [p for p in out.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
    peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else 0
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows: {len(rows):,} ({args.runs:,} runs x {METRICS} metrics); "
          f"synthesised in {made - started:.2f} s")
    print(f"build: {built - made:.2f} s; {len(files):,} files, {size / 1e6:.1f} MB")
    traced = f"{peak / 1e6:.0f} MB traced (tracemalloc), " if args.tracemalloc else ""
    print(f"peak memory: {traced}{rss_mb:.0f} MB max RSS (whole process)")


if __name__ == "__main__":
    main()
