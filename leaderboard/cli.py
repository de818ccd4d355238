"""`cbench leaderboard ...`: the leaderboard's commands, attached to the main CLI.

The leaderboard never reads eval logs itself: the caller passes `rows_for(results_dir)`, which
derives results-schema rows from the logs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from collective_bench.errors import UserError

DEFAULT_RESULTS = "results"
DEFAULT_SITE = "site"

RowsFor = Callable[[str], list[Any]]


def add_commands(sub: Any, rows_for: RowsFor) -> None:
    """Add `leaderboard build` (and later `serve`) to the main CLI's subparsers."""
    s = sub.add_parser("leaderboard", help="build the static leaderboard site")
    actions = s.add_subparsers(dest="action", required=True)
    b = actions.add_parser("build", help="results -> static site")
    b.add_argument("--results", default=DEFAULT_RESULTS)
    b.add_argument("--out", default=DEFAULT_SITE)
    b.set_defaults(func=lambda args: cmd_build(args, rows_for))


def cmd_build(args: argparse.Namespace, rows_for: RowsFor) -> int:
    from leaderboard.build import build_site

    rows = rows_for(args.results)
    if not rows:
        raise UserError(f"no finished runs under {args.results!r}; run 'cbench run' first")
    index = build_site(rows, Path(args.out))
    print(index.resolve())
    return 0
