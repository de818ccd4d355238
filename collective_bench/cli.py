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
from typing import Any, NoReturn

from collective_bench.errors import UserError
from collective_bench.offline import offline_defaults
from collective_bench.spec import PRESETS

DEFAULT_RESULTS = "results"
DEFAULT_LOG_DIR = "results/local"
DEFAULT_SITE = "site"


def _registry() -> Any:
    from collective_bench import registry

    registry.load_benchmarks()
    return registry


def _csv_list(text: str, kind: type, flag: str) -> list[Any]:
    try:
        return [kind(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise UserError(f"{flag} expects comma-separated {kind.__name__}s, got {text!r}") from None


def cmd_list(args: argparse.Namespace) -> int:
    from collective_bench.docs import describe

    specs = _registry().all_specs()
    if args.json:
        print(json.dumps([describe(s) for s in specs], indent=2, default=str))
        return 0
    for spec in specs:
        print(f"{spec.name}  (v{spec.version}, {spec.family})  {spec.summary}")
        print(f"    protocol:   {spec.protocol.source}")
        params = ", ".join(f"{p.name}={p.default}" for p in spec.params)
        print(f"    parameters: {params}")
        if spec.presets:
            print(f"    presets:    {', '.join(sorted(spec.presets))}")
        signs = {"higher": "+", "lower": "-", "neutral": ""}
        ranked = [f"{m.name}{signs[m.direction]}" for m in spec.metrics]
        print(f"    metrics:    {', '.join(ranked)}  [headline: {spec.headline}; "
              "+ higher is better, - lower is better]")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from collective_bench.docs import update_readmes

    root = Path(__file__).resolve().parent / "benchmarks"
    stale = update_readmes(_registry().all_specs(), root, check=args.check)
    for path in stale:
        print(f"{'out of date' if args.check else 'rewrote'}: {path}")
    return 1 if args.check and stale else 0


def cmd_run(args: argparse.Namespace) -> int:
    from collective_bench.sweep import DEFAULT_MODELS, SweepSpec, parse_assignments, run_sweep

    registry = _registry()
    spec = SweepSpec(
        tasks=args.task or [e.name for e in registry.all_specs()],
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
        model_base_url=args.model_base_url,
        model_args=parse_assignments(args.M, "-M"),
        prices=args.prices,
        preset=args.preset,
        transcript=args.transcript,
        max_agents=args.max_agents,
    )
    try:
        logs = run_sweep(spec, registry)
    except KeyboardInterrupt:
        return _interrupted(spec, args)
    if any(log.status == "cancelled" for log in logs):
        return _interrupted(spec, args)
    failed = [log for log in logs if log.status != "success"]
    for log in logs:
        print(f"{log.status:8s} {log.eval.task:22s} {log.eval.model:28s} {log.location}")
    print(f"{len(logs) - len(failed)}/{len(logs)} runs complete; logs in {spec.log_dir}. "
          f"Next: cbench scores {spec.log_dir}")
    return 1 if failed else 0


def _interrupted(spec: Any, args: argparse.Namespace) -> int:
    """Ctrl-C: say what stopped and how to pick it up again; exit code 130."""
    import shlex

    from collective_bench.providers.redact import redact

    command = redact(shlex.join(["cbench", *getattr(args, "argv", sys.argv[1:])]))
    print(f"cbench: interrupted: the run of {len(spec.tasks)} task(s) x {len(spec.models)} "
          f"model(s) into {spec.log_dir} stopped; finished episodes are kept. Resume (only "
          f"unfinished episodes are played): {command}",
          file=sys.stderr)
    return 130


def _rows(log_dir: str) -> list[Any]:
    from collective_bench.results import rows_from_dir

    registry = _registry()
    return rows_from_dir(log_dir, lambda task: registry.get_spec(task).aggregate,
                         lambda task: registry.get_spec(task).version)


def cmd_scores(args: argparse.Namespace) -> int:
    from collective_bench.results_schema import COLUMNS

    if args.format in ("markdown", "latex"):
        from collective_bench.leaderboard.paper import scores_table

        text = scores_table(_rows(args.log_dir), args.format, args.interval)
        if args.out:
            Path(args.out).write_text(text)
            print(f"table written to {args.out}")
        else:
            sys.stdout.write(text)
        return 0
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
    result = args.calibration.run(args)
    print(json.dumps(result) if args.json else args.calibration.render(result))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from collective_bench.benchmarks.conventions.ashery_import import import_runs, render

    rows = import_runs(Path(args.path), Path(args.log_dir) if args.log_dir else None)
    print(json.dumps(rows) if args.json else render(rows))
    return 0


def cmd_tipping(args: argparse.Namespace) -> int:
    from collective_bench.sweep import check_max_agents, check_model, parse_assignments

    _registry()
    check_max_agents(args.max_agents)
    from collective_bench.benchmarks.conventions.tipping import bisect_critical_fraction

    roles = {k: str(v) for k, v in parse_assignments(args.model_role, "--model-role").items()}
    for model in [args.model, *roles.values()]:
        check_model(model)
    if args.episodes < 1:
        raise UserError(f"--episodes must be at least 1, got {args.episodes}")
    search = bisect_critical_fraction(
        args.model, n_agents=args.n_agents, episodes=args.episodes, max_rounds=args.max_rounds,
        seed=args.seed, log_dir=args.log_dir, model_roles=roles, max_agents=args.max_agents,
    )
    if args.json:
        print(json.dumps(search.to_dict()))
        return 0
    for probe in search.probes:
        print(f"committed {probe['committed']:>3} ({probe['fraction']:.3f}): "
              f"tipped in {probe['tipped_share']:.0%} of episodes")
    if search.critical_fraction is None:
        most = max(p["committed"] for p in search.probes)
        print(f"{args.model}: no tipping even with {most} committed agents "
              f"(critical fraction > {most / args.n_agents:.3f})")
    else:
        print(f"{args.model}: critical fraction {search.critical_fraction:.3f} "
              f"({search.critical_count} of {args.n_agents} agents)")
    return 0


class _OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (and exit code 2), like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def parser() -> argparse.ArgumentParser:
    registry = _registry()
    p = _OneLineParser(prog="cbench", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("list", help="tasks with versions, parameters and metrics")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("docs", help="rewrite the family READMEs' tables from the declarations")
    s.add_argument("--check", action="store_true", help="only report stale READMEs (exit 1)")
    s.set_defaults(func=cmd_docs)

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
    s.add_argument("--model-base-url", help="endpoint for --model (e.g. a vLLM or proxy URL)")
    s.add_argument("-M", action="append", default=[], metavar="KEY=VALUE",
                   help="model argument (keys: use -M api_key_env=VAR, never the key itself)")
    s.add_argument("--prices", help="price file (JSON/YAML) for models not in litellm's map")
    s.add_argument("--preset", choices=list(PRESETS),
                   help="; ".join(f"{k}: {v}" for k, v in PRESETS.items()))
    s.add_argument("--display", choices=["full", "rich", "plain", "log", "none"], default=None)
    s.add_argument("--transcript", choices=["full", "compact"], default="full",
                   help="full: every call is an inspect event (default); compact: calls go "
                        "straight to the provider, ~50x less harness CPU per call, usage kept")
    s.add_argument("--max-agents", type=int, metavar="N",
                   help="raise every task's population bound to N agents (a memory guard: "
                        "the refusal says what an episode would keep in memory)")
    s.set_defaults(func=cmd_run)

    s = sub.add_parser("scores", help="one row per (model, task, metric) with 95%% CIs")
    s.add_argument("log_dir", nargs="?", default=DEFAULT_RESULTS)
    s.add_argument("--format", choices=["json", "csv", "markdown", "latex"], default="json",
                   help="markdown/latex: a paper table, value with its interval")
    s.add_argument("--interval", choices=["pm", "ci"], default="pm",
                   help="markdown/latex: 'pm' value ± half-width, 'ci' value [lo, hi]")
    s.add_argument("--out", help="write to a file instead of stdout")
    s.set_defaults(func=cmd_scores)

    s = sub.add_parser("calibrate", help="reproduce known results under the direct driver")
    cal = s.add_subparsers(dest="calibration_name", required=True, metavar="NAME")
    for entry in registry.all_calibrations():
        c = cal.add_parser(entry.name, help=entry.summary)
        entry.add_arguments(c)
        c.add_argument("--json", action="store_true", help="print the result as JSON")
        c.set_defaults(func=cmd_calibrate, calibration=entry)

    s = sub.add_parser("tipping", help="a model's critical committed fraction, by bisection")
    s.add_argument("--model", required=True)
    s.add_argument("--model-role", action="append", default=[], metavar="ROLE=MODEL")
    s.add_argument("--n-agents", type=int, default=24)
    s.add_argument("--episodes", type=int, default=2, help="episodes per probe")
    s.add_argument("--max-rounds", type=int, default=40)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--log-dir", default="results/tipping")
    s.add_argument("--max-agents", type=int, metavar="N",
                   help="raise the population bound to N agents (a memory guard)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_tipping)

    s = sub.add_parser("import", help="score published runs of a paper with our scorers")
    s.add_argument("source", choices=["ashery2025"], help="ashery2025: Ashery et al. (2025)")
    s.add_argument("path", help="their data zip, a directory or a .pkl")
    s.add_argument("--json", action="store_true")
    s.add_argument("--log-dir", help="also write each file's runs as an eval log here (read "
                   "by cbench scores and the leaderboard like our own runs)")
    s.set_defaults(func=cmd_import)

    from collective_bench.cli_providers import add_commands as add_provider_commands
    from collective_bench.leaderboard.cli import add_commands

    add_commands(sub, _rows)
    add_provider_commands(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    offline_defaults()
    try:
        args = parser().parse_args(argv)
        args.argv = list(sys.argv[1:] if argv is None else argv)
        code: int = args.func(args)
        return code
    except UserError as error:
        print(f"cbench: error: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:  # `cbench list | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("cbench: interrupted; run the same command again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
