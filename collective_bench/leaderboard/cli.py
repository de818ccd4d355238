"""`cbench leaderboard build|serve`: the leaderboard's commands, attached to the main CLI.

The leaderboard never reads eval logs itself: the caller passes `rows_for(results_dir)`, which
derives results-schema rows from the logs. Task descriptions come from the task registry, read
here (not in the builder) so the builder and its tests need no task family.
"""

from __future__ import annotations

import argparse
import functools
import http.server
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from collective_bench.errors import UserError

DEFAULT_RESULTS = "results"
DEFAULT_SITE = "site"
DEFAULT_PORT = 8000

RowsFor = Callable[[str], list[Any]]


def add_commands(sub: Any, rows_for: RowsFor) -> None:
    """Add `leaderboard build` and `leaderboard serve` to the main CLI's subparsers."""
    s = sub.add_parser("leaderboard", help="build or serve the static leaderboard site")
    actions = s.add_subparsers(dest="action", required=True)
    b = actions.add_parser("build", help="results -> static site")
    b.add_argument("--results", default=DEFAULT_RESULTS,
                   help="results directory: <release>/RELEASE.json + logs, and local/")
    b.add_argument("--rows", help="build from a results JSON file ('cbench scores --format "
                   "json') instead of the logs under --results")
    b.add_argument("--out", default=DEFAULT_SITE)
    b.add_argument("--no-episodes", action="store_true",
                   help="skip the dynamics plots and episode pages (they read every log)")
    b.add_argument("--log-budget-mb", type=float, default=64.0,
                   help="copy logs into the site for download up to this many MB in all")
    b.set_defaults(func=lambda args: cmd_build(args, rows_for))
    c = sub.add_parser("compare", help="two models (or two release directories) metric by "
                       "metric, with the site's verdicts")
    c.add_argument("a", help="a model name, or a results/release directory")
    c.add_argument("b", help="a model name, or a results/release directory")
    c.add_argument("--results", default=DEFAULT_RESULTS, help="where to find the models")
    c.add_argument("--release", help="compare the models' runs in this release (default: "
                   "each model's newest)")
    c.add_argument("--format", choices=["text", "markdown", "latex"], default="text")
    c.set_defaults(func=lambda args: cmd_compare(args, rows_for))
    f = sub.add_parser("verify", help="re-score every release row from its logs and check "
                       "hashes, task versions and protocol against the release manifest")
    f.add_argument("results", nargs="?", default=DEFAULT_RESULTS)
    f.add_argument("--write-manifest", action="store_true",
                   help="freeze: write each release's MANIFEST.json from its logs")
    f.set_defaults(func=lambda args: cmd_verify(args, rows_for))
    v = actions.add_parser("serve", help="serve a built site on 127.0.0.1 (blocking)")
    v.add_argument("--dir", default=DEFAULT_SITE)
    v.add_argument("--port", type=int, default=DEFAULT_PORT)
    v.set_defaults(func=cmd_serve)


def registry_tasks() -> list[Any]:
    """TaskInfo for every declared task, with each metric's metadata from its declaration
    (imports the task families, hence done here, never in the leaderboard's own modules)."""
    from collective_bench.leaderboard.schema import MetricInfo, TaskInfo
    from collective_bench.registry import all_specs
    from collective_bench.spec import protocol_digest

    def kind(metric: Any) -> str:
        if metric.kind == "binary" or metric.bounds == (0.0, 1.0):
            return "rate"
        if metric.bounds is not None and metric.bounds[0] >= 0:
            return "count"
        return "number"

    def infos(metric: Any, param_values: Any) -> list[Any]:
        info = MetricInfo(metric.name, metric.display, metric.direction, kind(metric),
                          metric.group)
        if not metric.per:
            return [info]
        return [replace(info, name=f"{metric.name}{v}", display=f"{metric.display} {v}")
                for v in param_values]

    out = []
    for t in all_specs():
        per_values = range(0, 101)  # every value a per-parameter metric can take a name for
        metric_infos = tuple(i for m in t.metrics for i in infos(m, per_values))
        defaults = t.resolve()
        generation = t.generation.as_config()
        out.append(TaskInfo(
            t.name, t.family, t.version, t.headline, tuple(m.name for m in t.metrics),
            t.summary, metric_infos,
            default_protocol=protocol_digest(t.name, t.version, defaults, generation, {}),
            defaults=defaults, generation=generation,
            presets={name: t.resolve(preset=name) for name in sorted(t.presets)},
            protocol_source=t.protocol.source,
            protocol_differences=tuple(t.protocol.differences)))
    return out


def cmd_build(args: argparse.Namespace, rows_for: RowsFor) -> int:
    from collective_bench.leaderboard.build import build_site
    from collective_bench.leaderboard.releases import load_releases
    from collective_bench.leaderboard.rows import load_rows_json

    if args.log_budget_mb < 0:
        raise UserError(f"--log-budget-mb must be >= 0, got {args.log_budget_mb}")
    rows = load_rows_json(args.rows) if args.rows else rows_for(args.results)
    if not rows:
        raise UserError(f"no finished runs under {args.results!r}; run 'cbench run' first")
    episodes: list[Any] = []
    log_files: dict[str, Path] = {}
    if not args.rows and not args.no_episodes:
        from collective_bench.leaderboard.episodes import episodes_from_dir

        root = Path(args.results).resolve()
        logs = sorted({row.log for row in rows})
        log_files = {log: root / log for log in logs}
        episodes = episodes_from_dir(root, logs)
    index = build_site(rows, Path(args.out), releases=load_releases(args.results),
                       tasks=registry_tasks(), episodes=episodes, log_files=log_files,
                       log_budget=int(args.log_budget_mb * 1024 * 1024))
    print(index.resolve())
    return 0


def cmd_compare(args: argparse.Namespace, rows_for: RowsFor) -> int:
    from collective_bench.leaderboard import paper
    from collective_bench.leaderboard.releases import latest_runs, load_releases
    from collective_bench.leaderboard.schema import load_schema

    schema = load_schema().with_tasks(registry_tasks())
    if Path(args.a).is_dir() and Path(args.b).is_dir():
        left = latest_runs(rows_for(args.a), {})
        right = latest_runs(rows_for(args.b), {})
        models = sorted({r.model for r in left} | {r.model for r in right})
        head: tuple[str, ...] = ("model", *paper.COMPARE_HEAD)
        lines: list[tuple[str, ...]] = []
        for model in models:
            pairs = paper.compare_runs([r for r in left if r.model == model],
                                       [r for r in right if r.model == model], schema)
            lines += [(model, *line) for line in paper.comparison_lines(pairs)]
        title = f"A = {args.a}, B = {args.b}"
    else:
        runs = latest_runs(rows_for(args.results), load_releases(args.results))
        a = paper.pick_runs(runs, args.a, args.release)
        b = paper.pick_runs(runs, args.b, args.release)
        head = paper.COMPARE_HEAD
        lines = paper.comparison_lines(paper.compare_runs(a, b, schema))
        title = (f"A = {args.a} ({a[0].release.name}), B = {args.b} ({b[0].release.name})")
    if args.format == "markdown":
        print(f"{title}\n\n{paper.markdown(head, lines)}", end="")
    elif args.format == "latex":
        print(f"% {title}\n{paper.latex(head, lines)}", end="")
    else:
        print(f"{title}\n{paper.plain(head, lines)}", end="")
    return 0


def cmd_verify(args: argparse.Namespace, rows_for: RowsFor) -> int:
    from collective_bench.leaderboard.verify import verify

    versions = {t.name: t.version for t in registry_tasks()}
    bad, notes = verify(args.results, rows_for, versions, write=args.write_manifest)
    for note in notes:
        print(f"note: {note}")
    for line in bad:
        print(line)
    if bad:
        print(f"{len(bad)} mismatch(es)")
        return 1
    if not args.write_manifest:
        print("every release row re-scores from its logs; hashes, task versions and protocol "
              "match the manifests")
    return 0


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's name
        pass


def make_server(directory: str | Path, port: int) -> http.server.ThreadingHTTPServer:
    """A static server for `directory` bound to 127.0.0.1 only (never every interface)."""
    root = Path(directory)
    if not (root / "index.html").is_file():
        raise UserError(f"no built site in {str(root)!r}; run 'cbench leaderboard build' first "
                        "or pass --dir")
    handler = functools.partial(_QuietHandler, directory=str(root.resolve()))
    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        raise UserError(f"cannot serve on 127.0.0.1:{port} ({error.strerror}); "
                        "pick another --port") from None


def cmd_serve(args: argparse.Namespace) -> int:
    server = make_server(args.dir, args.port)
    host, port = server.server_address[:2]
    print(f"serving {Path(args.dir).resolve()} at http://{host!s}:{port}/ (Ctrl-C stops)",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
