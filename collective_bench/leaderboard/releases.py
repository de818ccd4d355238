"""Releases and runs: which frozen release a row belongs to, and the latest run of each model.

Layout of the results directory (documented in collective_bench/leaderboard/README.md)::

    results/<release>/RELEASE.json   {"name": "2026.1", "suite_version": "1.0.0",
                                      "date": "2026-01-15", "description": "..."}
    results/<release>/**/*.eval      the published logs of that release (frozen)
    results/local/**/*.eval          your own runs: no RELEASE.json, never part of a release

A row's `log` is relative to the results directory read, so its first path component names the
release directory. A directory without RELEASE.json (such as `local`) is shown as "unreleased".
When one release holds several logs of the same (model, model roles, task, task version), the
site shows the most recent (by `created`) and says how many runs it superseded: re-running a task
must not make a model appear twice, and the older number must not silently win.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from collective_bench.errors import UserError
from collective_bench.results_schema import ResultRow

RELEASE_FILE = "RELEASE.json"
LOCAL = "local"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Release:
    directory: str
    name: str
    suite_version: str
    date: str
    description: str = ""
    published: bool = True


def unreleased(directory: str) -> Release:
    return Release(directory, directory or "(top level)", "unreleased", "", "", published=False)


def parse_release(data: object, source: str, directory: str) -> Release:
    """One RELEASE.json document, checked; problems are one line naming the file."""
    def bad(problem: str) -> UserError:
        return UserError(f"release file {source!r}: {problem}; fix it (fields: name, "
                         "suite_version, date YYYY-MM-DD, optional description)")

    if not isinstance(data, dict):
        raise bad("must hold a JSON object")
    for key in ("name", "suite_version", "date"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise bad(f"field {key!r} must be a non-empty string")
    unknown = sorted(set(data) - {"name", "suite_version", "date", "description"})
    if unknown:
        raise bad(f"unknown field {unknown[0]!r}")
    if not _NAME.match(data["name"]):
        raise bad("name must be letters, digits, '.', '_' or '-' (at most 64)")
    try:
        date.fromisoformat(data["date"])
    except ValueError:
        raise bad(f"date {data['date']!r} is not YYYY-MM-DD") from None
    description = data.get("description", "")
    if not isinstance(description, str):
        raise bad("description must be a string")
    return Release(directory, data["name"], data["suite_version"], data["date"], description)


def load_releases(results_dir: str | Path) -> dict[str, Release]:
    """RELEASE.json of every release directory directly under `results_dir`."""
    releases: dict[str, Release] = {}
    root = Path(results_dir)
    if not root.is_dir():
        return releases
    for path in sorted(root.glob(f"*/{RELEASE_FILE}")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise UserError(f"release file {str(path)!r} is unreadable or not valid JSON "
                            f"({error}); it may be truncated: restore it") from None
        releases[path.parent.name] = parse_release(data, str(path), path.parent.name)
    return releases


def release_dir(row: ResultRow) -> str:
    """The release directory of a row: the first component of its relative `log` path."""
    parts = row.log.replace("\\", "/").split("/")
    return parts[0] if len(parts) > 1 else ""


@dataclass(frozen=True)
class Run:
    """One shown run: the latest log of a (release, model, roles, task, task version)."""

    release: Release
    rows: tuple[ResultRow, ...]  # one per metric, sorted by metric
    superseded: tuple[str, ...]  # logs of older runs of the same key, newest first

    @property
    def first(self) -> ResultRow:
        return self.rows[0]

    @property
    def model(self) -> str:
        return self.first.model

    @property
    def roles(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(self.first.model_roles.items()))

    @property
    def task(self) -> str:
        return self.first.task

    def metric(self, name: str) -> ResultRow | None:
        return next((row for row in self.rows if row.metric == name), None)


def release_order(releases: Sequence[Release]) -> list[Release]:
    """Published releases newest first, then unreleased directories (local first)."""
    published = sorted((r for r in releases if r.published),
                       key=lambda r: (r.date, r.name), reverse=True)
    other = sorted((r for r in releases if not r.published),
                   key=lambda r: (r.directory != LOCAL, r.directory))
    return published + other


def latest_runs(rows: Sequence[ResultRow], releases: Mapping[str, Release]) -> list[Run]:
    """Group rows into runs (one log each) and keep the latest per release and key.

    Ties on `created` fall back to the log path so the choice never depends on input order.
    """
    by_log: dict[tuple[str, str], list[ResultRow]] = {}
    for row in rows:
        by_log.setdefault((row.log, row.model + "\0" + repr(sorted(row.model_roles.items()))),
                          []).append(row)
    groups: dict[tuple[str, ...], list[list[ResultRow]]] = {}
    for log_rows in by_log.values():
        r = log_rows[0]
        # a run at another protocol (a preset, -T overrides, other generation settings) is a
        # different measurement: it never supersedes this one
        key = (release_dir(r), r.model, repr(sorted(r.model_roles.items())), r.task,
               r.task_version, r.protocol)
        groups.setdefault(key, []).append(sorted(log_rows, key=lambda x: x.metric))
    runs = []
    for group_key in sorted(groups):
        candidates = sorted(groups[group_key], key=lambda g: (g[0].created, g[0].log),
                            reverse=True)
        release = releases.get(group_key[0]) or unreleased(group_key[0])
        runs.append(Run(release, tuple(candidates[0]), tuple(g[0].log for g in candidates[1:])))
    return runs
