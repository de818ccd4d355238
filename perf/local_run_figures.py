"""Figures of real local-model runs, per task, read from their eval logs.

For each (model, task): decisions asked, model calls (re-asks included), the invalid-answer rate,
wall seconds per call, output tokens per call, and the share of prompt tokens the llama.cpp
server served from its prefix cache (`input_tokens_cache_read` / all prompt tokens). Issue #14's
targets: invalid rate <= 2% for Qwen2.5-Coder-1.5B at the cpu preset; the cache share per task.

    .venv/bin/python perf/local_run_figures.py results/v0.3.1 [--model local/qwen2.5-coder-1.5b]
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from datetime import datetime

from inspect_ai.log import list_eval_logs, read_eval_log, read_eval_log_sample_summaries


def figures(log_dir: str, prefix: str) -> list[dict[str, object]]:
    out = []
    for info in list_eval_logs(log_dir, recursive=True):
        header = read_eval_log(info.name, header_only=True)
        if not header.eval.model.startswith(prefix) or not header.stats.completed_at:
            continue
        meta = [next(iter(s.scores.values())).metadata or {}
                for s in read_eval_log_sample_summaries(info.name) if s.scores]
        count: dict[str, int] = defaultdict(int)
        for m in meta:
            for key in ("asked", "calls", "invalid"):
                count[key] += int(m.get(key, 0))
        usage = list(header.stats.model_usage.values())
        fresh = sum(u.input_tokens for u in usage)
        cached = sum(u.input_tokens_cache_read or 0 for u in usage)
        seconds = (datetime.fromisoformat(header.stats.completed_at)
                   - datetime.fromisoformat(header.stats.started_at)).total_seconds()
        calls = max(count["calls"], 1)
        out.append({
            "model": header.eval.model, "task": header.eval.task.split("/")[-1],
            "asked": count["asked"], "calls": count["calls"],
            "invalid_rate": count["invalid"] / max(count["asked"], 1),
            "s_per_call": seconds / calls, "seconds": seconds,
            "out_per_call": sum(u.output_tokens for u in usage) / calls,
            "cache_share": cached / max(fresh + cached, 1),
        })
    return sorted(out, key=lambda r: (str(r["model"]), str(r["task"])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log_dir")
    parser.add_argument("--model", default="local/", help="model name prefix (default: local/)")
    args = parser.parse_args()
    rows = figures(args.log_dir, args.model)
    if not rows:
        raise SystemExit(f"no finished logs of {args.model}* under {args.log_dir}")
    print(f"{'model':28s} {'task':22s} {'asked':>5s} {'calls':>5s} {'invalid':>7s} "
          f"{'s/call':>6s} {'out/call':>8s} {'cached':>6s}")
    for r in rows:
        print(f"{r['model']:28s} {r['task']:22s} {r['asked']:5d} {r['calls']:5d} "
              f"{r['invalid_rate']:7.1%} {r['s_per_call']:6.1f} {r['out_per_call']:8.1f} "
              f"{r['cache_share']:6.0%}")
    for model in sorted({str(r["model"]) for r in rows}):
        mine = [r for r in rows if r["model"] == model]
        worst = max(mine, key=lambda r: float(r["invalid_rate"]))  # type: ignore[arg-type]
        total = sum(float(r["seconds"]) for r in mine)  # type: ignore[arg-type]
        print(f"{model}: {len(mine)} tasks, {total / 60:.1f} min in all; highest invalid rate "
              f"{worst['invalid_rate']:.1%} ({worst['task']})")


if __name__ == "__main__":
    main()
