"""Build the leaderboard from N eval logs with trajectories and report time, size and memory.

Logs are synthesised by copying the newest published release's logs (`results/v0.3.1`: 112
logs, 28 of them local-model runs with full transcripts) into N / 112 release directories
(`r000`, `r001`, ... each with its RELEASE.json), so every copy is a shown run with its own
episode pages, dynamics lines and downloadable log. Identical copies let the plot cache reuse
plots within a build, so the render time is a lower bound for as many distinct logs. Each size
runs in a fresh process (so max RSS is that size's peak) and prints, per stage: rows (re-scoring
every log, as `cbench scores`), episodes (reading every trajectory), render and publish; then
files, bytes, and peak memory. Linear scaling shows as a constant time per log.

Run from the repository root:
`.venv/bin/python perf/leaderboard_build.py --logs 112,224,448 [--log-budget-mb 64]`
(1,000 logs: `--logs 1008`, 9 copies).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SOURCE = sorted(p.parent for p in (ROOT / "results").glob("*/RELEASE.json"))[-1]
"""The newest published release."""


def synthesise(target: Path, logs: int) -> int:
    """Copies of the release logs into release directories under `target`; returns the count."""
    sources = sorted(SOURCE.glob("*.eval"))
    made = 0
    copy = 0
    while made < logs:
        release = target / f"r{copy:03d}"
        release.mkdir(parents=True)
        (release / "RELEASE.json").write_text(json.dumps(
            {"name": f"r{copy:03d}", "suite_version": "0.1.0",
             "date": f"2026-{1 + copy // 28 % 12:02d}-{1 + copy % 28:02d}"}))
        for source in sources[: logs - made]:
            shutil.copyfile(source, release / source.name)
            made += 1
        copy += 1
    return made


def one(logs: int, budget_mb: float) -> dict[str, float]:
    from collective_bench.cli import _rows
    from collective_bench.leaderboard.build import build_site
    from collective_bench.leaderboard.cli import registry_tasks
    from collective_bench.leaderboard.episodes import episodes_from_dir
    from collective_bench.leaderboard.releases import load_releases

    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp) / "results"
        count = synthesise(results, logs)
        t0 = time.perf_counter()
        rows = _rows(str(results))
        t1 = time.perf_counter()
        episodes = episodes_from_dir(results, sorted({r.log for r in rows}))
        t2 = time.perf_counter()
        out = Path(tmp) / "site"
        build_site(rows, out, load_releases(results), registry_tasks(), episodes=episodes,
                   log_files={r.log: results / r.log for r in rows},
                   log_budget=int(budget_mb * 1024 * 1024))
        t3 = time.perf_counter()
        files = [p for p in out.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        logs_size = sum(p.stat().st_size for p in files if p.suffix == ".eval")
    return {"logs": count, "episodes": len(episodes), "rows_s": t1 - t0,
            "episodes_s": t2 - t1, "render_s": t3 - t2, "files": len(files),
            "site_mb": size / 1e6, "copied_logs_mb": logs_size / 1e6,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--logs", default="42,84", help="comma-separated log counts")
    parser.add_argument("--log-budget-mb", type=float, default=64.0)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.log_budget_mb)))
        return
    print(f"{'logs':>5} {'episodes':>8} {'rows s':>7} {'episodes s':>10} {'render s':>8} "
          f"{'total s':>7} {'s/log':>6} {'files':>6} {'site MB':>7} {'logs MB':>7} "
          f"{'max RSS MB':>10}")
    for logs in [int(n) for n in args.logs.split(",")]:
        done = subprocess.run([sys.executable, __file__, "--one", str(logs),
                               "--log-budget-mb", str(args.log_budget_mb)],
                              check=True, capture_output=True, text=True, cwd=ROOT)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        total = r["rows_s"] + r["episodes_s"] + r["render_s"]
        print(f"{r['logs']:>5} {r['episodes']:>8} {r['rows_s']:>7.1f} {r['episodes_s']:>10.1f} "
              f"{r['render_s']:>8.1f} {total:>7.1f} {total / r['logs']:>6.2f} {r['files']:>6} "
              f"{r['site_mb']:>7.1f} {r['copied_logs_mb']:>7.1f} {r['max_rss_mb']:>10.0f}",
              flush=True)


if __name__ == "__main__":
    main()
