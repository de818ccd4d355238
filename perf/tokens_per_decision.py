"""Input tokens per decision, every task, against a published release's prompts.

A decision is one move asked of one agent (its re-asks included). The release's figure is
read from its logs (`results/v0.1.0` by default: the reference models at the default
protocols, tokens counted by the reference provider with o200k_base); today's is measured by
running every task now, on the same reference model, at its default protocol, for a few
episodes. Both count the same way, so the ratio is the prompts' own change.

    git archive 30b114d results/v0.1.0 | tar -x -C /tmp   # v0.1.0's logs, from history
    .venv/bin/python perf/tokens_per_decision.py --release /tmp/results/v0.1.0 [--episodes 1]
"""

from __future__ import annotations

import argparse
import tempfile
from collections import defaultdict
from pathlib import Path

from inspect_ai.log import list_eval_logs, read_eval_log, read_eval_log_sample_summaries

from collective_bench.offline import offline_defaults

MODEL = "reference/textbook"


def per_decision(log_dir: Path, model: str) -> dict[str, float]:
    """Input tokens per move asked, per task, over every successful log of `model`."""
    tokens: dict[str, int] = defaultdict(int)
    asked: dict[str, int] = defaultdict(int)
    for info in list_eval_logs(str(log_dir), recursive=True):
        header = read_eval_log(info.name, header_only=True)
        if header.status != "success" or header.eval.model != model or not header.stats:
            continue
        task = header.eval.task.split("/")[-1]
        tokens[task] += sum(u.input_tokens for u in header.stats.model_usage.values())
        for summary in read_eval_log_sample_summaries(info.name):
            score = next(iter((summary.scores or {}).values()), None)
            asked[task] += int(((score.metadata or {}) if score else {}).get("asked", 0))
    return {task: tokens[task] / asked[task] for task in tokens if asked[task]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", required=True,
                        help="a release's log directory (v0.1.0 is in git history: see above)")
    parser.add_argument("--episodes", type=int, default=1)
    parser.add_argument("--task", action="append", default=[],
                        help="only this task (repeatable; default: every task)")
    args = parser.parse_args()
    offline_defaults()
    from collective_bench.cli import main as cbench

    if not Path(args.release).is_dir():
        raise SystemExit(f"--release {args.release!r} is not a directory of eval logs; "
                         "extract one first (see this script's docstring)")
    before = per_decision(Path(args.release), MODEL)
    with tempfile.TemporaryDirectory() as tmp:
        tasks = [a for t in args.task for a in ("--task", t)]
        code = cbench(["run", "--model", MODEL, "--episodes", str(args.episodes),
                       "--log-dir", tmp, "--display", "none", *tasks])
        if code != 0:
            raise SystemExit(f"the run failed (exit {code})")
        after = per_decision(Path(tmp), MODEL)
    print(f"{'task':24s} {'release':>9s} {'now':>9s} {'change':>8s}")
    if args.task:
        before = {t: v for t, v in before.items() if t in args.task}
    for task in sorted(set(before) | set(after)):
        b, a = before.get(task), after.get(task)
        change = f"{(a - b) / b:+.0%}" if a is not None and b else "n/a"
        print(f"{task:24s} {b or float('nan'):9.1f} {a or float('nan'):9.1f} {change:>8s}")
    common = sorted(set(before) & set(after))
    worst = max(((after[t] - before[t]) / before[t], t) for t in common)
    met = [t for t in common if (after[t] - before[t]) / before[t] <= -0.30]
    print(f"{len(met)}/{len(common)} tasks at least 30% fewer input tokens per decision; "
          f"the least change: {worst[0]:+.0%} ({worst[1]})")


if __name__ == "__main__":
    main()
