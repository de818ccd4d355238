"""`cbench`: list tasks, run sweeps, print scores, calibrate, build the leaderboard.

Every user mistake ends in one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from collective_bench.errors import UserError

DEFAULT_RESULTS = "results"
DEFAULT_LOG_DIR = "results/local"
DEFAULT_SITE = "site"


def _registry() -> Any:
    import benchmarks  # noqa: F401 - registers every task
    from benchmarks import registry

    return registry


def _csv_list(text: str, kind: type, flag: str) -> list[Any]:
    try:
        return [kind(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise UserError(f"{flag} expects comma-separated {kind.__name__}s, got {text!r}") from None


def cmd_list(args: argparse.Namespace) -> int:
    registry = _registry()
    entries = registry.all_tasks()
    if args.json:
        print(json.dumps([
            {"name": e.name, "family": e.family, "version": e.version, "summary": e.summary,
             "parameters": e.parameters(), "metrics": list(e.metrics), "headline": e.headline}
            for e in entries
        ], indent=2))
        return 0
    for e in entries:
        print(f"{e.name}  (v{e.version}, {e.family})  {e.summary}")
        params = ", ".join(f"{k}={v}" for k, v in e.parameters().items())
        print(f"    parameters: {params}")
        print(f"    metrics:    {', '.join(e.metrics)}  [headline: {e.headline}]")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from collective_bench.sweep import DEFAULT_MODELS, SweepSpec, parse_assignments, run_sweep

    registry = _registry()
    spec = SweepSpec(
        tasks=args.task or [e.name for e in registry.all_tasks()],
        models=args.model or list(DEFAULT_MODELS),
        model_roles={
            k: str(v) for k, v in parse_assignments(args.model_role, "--model-role").items()
        },
        task_args=parse_assignments(args.T, "-T"),
        episodes=args.episodes,
        seed=args.seed,
        max_connections=args.max_connections,
        log_dir=args.log_dir,
        cache=args.cache,
        display=args.display,
    )
    logs = run_sweep(spec, registry)
    failed = [log for log in logs if log.status != "success"]
    for log in logs:
        print(f"{log.status:8s} {log.eval.task:22s} {log.eval.model:28s} {log.location}")
    print(f"{len(logs) - len(failed)}/{len(logs)} runs complete; logs in {spec.log_dir}. "
          f"Next: cbench scores {spec.log_dir}")
    return 1 if failed else 0


def _rows(log_dir: str) -> list[Any]:
    from collective_bench.results import rows_from_dir

    registry = _registry()
    return rows_from_dir(log_dir, lambda task: registry.get_task(task).aggregate)


def cmd_scores(args: argparse.Namespace) -> int:
    from collective_bench.results_schema import COLUMNS

    rows = [r.to_dict() for r in _rows(args.log_dir)]
    if args.format == "json":
        text = json.dumps(rows, indent=2, sort_keys=False) + "\n"
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "model_roles": json.dumps(row["model_roles"], sort_keys=True)})
        text = buffer.getvalue()
    if args.out:
        Path(args.out).write_text(text)
        print(f"{len(rows)} rows written to {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    if args.family != "naming":
        raise UserError(f"unknown calibration {args.family!r}; available: naming")
    from benchmarks.conventions.calibration import calibrate_naming

    sizes = _csv_list(args.sizes, int, "--sizes")
    if len(sizes) < 2 or min(sizes) < 2:
        raise UserError("--sizes needs at least two population sizes >= 2, e.g. 64,128,256")
    if args.runs < 1:
        raise UserError(f"--runs must be at least 1, got {args.runs}")
    result = calibrate_naming(sizes, args.runs, args.seed)
    if args.json:
        print(json.dumps({k: result[k] for k in (
            "sizes", "convergence_time", "peak_words", "peak_time", "exponents")}))
        return 0
    print(f"{'N':>6} {'t_conv':>12} {'t_conv/N^1.5':>13} {'peak words':>11} {'t_peak':>10}")
    for i, n in enumerate(result["sizes"]):
        print(f"{n:>6} {result['convergence_time'][i]:>12.1f} "
              f"{result['convergence_time_over_n15'][i]:>13.2f} "
              f"{result['peak_words'][i]:>11.1f} {result['peak_time'][i]:>10.1f}")
    e = result["exponents"]
    print(f"exponents: convergence {e['convergence_time']:.3f}, peak words "
          f"{e['peak_words']:.3f}, peak time {e['peak_time']:.3f} (theory: 1.5)")
    return 0


def cmd_tipping(args: argparse.Namespace) -> int:
    from collective_bench.sweep import check_model, parse_assignments

    _registry()
    from benchmarks.conventions.tipping import bisect_critical_fraction

    roles = {k: str(v) for k, v in parse_assignments(args.model_role, "--model-role").items()}
    for model in [args.model, *roles.values()]:
        check_model(model)
    if args.episodes < 1:
        raise UserError(f"--episodes must be at least 1, got {args.episodes}")
    search = bisect_critical_fraction(
        args.model, n_agents=args.n_agents, episodes=args.episodes, max_rounds=args.max_rounds,
        seed=args.seed, log_dir=args.log_dir, model_roles=roles,
    )
    if args.json:
        print(json.dumps(search.to_dict()))
        return 0
    for probe in search.probes:
        print(f"committed {probe['committed']:>3} ({probe['fraction']:.3f}): "
              f"tipped in {probe['tipped_share']:.0%} of episodes")
    if search.critical_fraction is None:
        print(f"{args.model}: no tipping even with {args.n_agents // 2} committed agents")
    else:
        print(f"{args.model}: critical fraction {search.critical_fraction:.3f} "
              f"({search.critical_count} of {args.n_agents} agents)")
    return 0


def cmd_leaderboard(args: argparse.Namespace) -> int:
    from leaderboard.build import build_site

    rows = _rows(args.results)
    if not rows:
        raise UserError(f"no finished runs under {args.results!r}; run 'cbench run' first")
    index = build_site(rows, Path(args.out))
    print(index.resolve())
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cbench", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("list", help="tasks with versions, parameters and metrics")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("run", help="run tasks x models (a resumable inspect eval set)")
    s.add_argument("--task", action="append", help="task name (repeatable; default: all)")
    s.add_argument("--model", action="append",
                   help="inspect model string (repeatable; default: the reference models)")
    s.add_argument("--model-role", action="append", default=[], metavar="ROLE=MODEL",
                   help="bind a role, e.g. background=openai/gpt-4o-mini")
    s.add_argument("--episodes", type=int, help="episodes per task (default: each task's own)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--max-connections", type=int, help="concurrent calls per model")
    s.add_argument("--log-dir", default=DEFAULT_LOG_DIR)
    s.add_argument("-T", action="append", default=[], metavar="KEY=VALUE", help="task parameter")
    s.add_argument("--cache", action="store_true", help="cache model answers (scoped per agent)")
    s.add_argument("--display", choices=["full", "rich", "plain", "log", "none"], default=None)
    s.set_defaults(func=cmd_run)

    s = sub.add_parser("scores", help="one row per (model, task, metric) with 95%% CIs")
    s.add_argument("log_dir", nargs="?", default=DEFAULT_RESULTS)
    s.add_argument("--format", choices=["json", "csv"], default="json")
    s.add_argument("--out", help="write to a file instead of stdout")
    s.set_defaults(func=cmd_scores)

    s = sub.add_parser("calibrate", help="reproduce known results under the direct driver")
    s.add_argument("family", help="naming")
    s.add_argument("--sizes", default="64,128,256,512")
    s.add_argument("--runs", type=int, default=8)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_calibrate)

    s = sub.add_parser("tipping", help="a model's critical committed fraction, by bisection")
    s.add_argument("--model", required=True)
    s.add_argument("--model-role", action="append", default=[], metavar="ROLE=MODEL")
    s.add_argument("--n-agents", type=int, default=24)
    s.add_argument("--episodes", type=int, default=2, help="episodes per probe")
    s.add_argument("--max-rounds", type=int, default=25)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--log-dir", default="results/tipping")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_tipping)

    s = sub.add_parser("leaderboard", help="build the static leaderboard site")
    lb = s.add_subparsers(dest="action", required=True)
    b = lb.add_parser("build")
    b.add_argument("--results", default=DEFAULT_RESULTS)
    b.add_argument("--out", default=DEFAULT_SITE)
    b.set_defaults(func=cmd_leaderboard)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except UserError as error:
        print(f"cbench: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("cbench: interrupted; run the same command again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
