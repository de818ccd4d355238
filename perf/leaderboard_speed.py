"""`cbench leaderboard build` time, this checkout beside another code version, alternating.

Per round: the other version's build into a fresh directory, this checkout's into a fresh
directory (cold: every plot drawn), then this checkout's again into the same directory (a
rebuild: unchanged plots reused from `.plot-cache.json`). Wall and CPU (user + sys) seconds of
each build process; the ratios over all rounds. On a shared, loaded machine compare ratios.

    git archive 720f49f collective_bench | tar -x -C /tmp/lb_base
    .venv/bin/python perf/leaderboard_speed.py --base /tmp/lb_base --rounds 3
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(code: Path, results: Path, out: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # cwd = the code's root: `python -m` puts the cwd first on sys.path, before PYTHONPATH
    subprocess.run([sys.executable, "-m", "collective_bench.cli", "leaderboard", "build",
                    "--results", str(results), "--out", str(out)], cwd=code, check=True,
                   capture_output=True, env={**os.environ, "PYTHONPATH": str(code)})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - start, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="root of the other version")
    parser.add_argument("--results", type=Path, default=ROOT / "results")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for number in range(1, args.rounds + 1):
            base_out, new_out = Path(tmp) / f"base{number}", Path(tmp) / f"new{number}"
            base = build(args.base.resolve(), args.results.resolve(), base_out)
            cold = build(ROOT, args.results.resolve(), new_out)
            warm = build(ROOT, args.results.resolve(), new_out)
            shutil.rmtree(base_out)
            shutil.rmtree(new_out)
            rows.append((base, cold, warm))
            print(f"round {number}: other {base[0]:.1f} s wall / {base[1]:.1f} s CPU; this, "
                  f"cold {cold[0]:.1f} / {cold[1]:.1f}; this, rebuild {warm[0]:.1f} / "
                  f"{warm[1]:.1f}", flush=True)
    for index, name in ((1, "cold"), (2, "rebuild")):
        wall = sum(r[0][0] for r in rows) / sum(r[index][0] for r in rows)
        cpu = sum(r[0][1] for r in rows) / sum(r[index][1] for r in rows)
        print(f"other / this {name}: {wall:.2f}x wall, {cpu:.2f}x CPU")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
