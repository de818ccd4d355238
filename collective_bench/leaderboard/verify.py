"""`cbench verify [results]`: a release's numbers still follow from its logs, and nothing moved.

Each release directory (one with RELEASE.json) carries MANIFEST.json, written once when the
release is frozen (`cbench verify --write-manifest`): for every log, its SHA-256, task, task
version, model, model roles, protocol (the task arguments the log records) and every results
row's numbers. Verification re-reads the logs and re-scores every row with today's code, then
reports one line per mismatch: a log added, removed or changed, a protocol or task version that
differs from the manifest, or a score that today's code computes differently (a change that
moved a score without bumping the task's version). A task whose registered version is no longer
the release's is not re-scored (old logs are read by their own version's code, which is gone);
that is reported as a note, not a mismatch.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from collective_bench.errors import UserError
from collective_bench.results_schema import ResultRow

MANIFEST_FILE = "MANIFEST.json"
NUMBERS = ("value", "ci_low", "ci_high", "n_episodes", "episodes")
RowsFor = Callable[[str], list[ResultRow]]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _header(path: Path) -> tuple[dict[str, Any], str]:
    from inspect_ai.log import read_eval_log

    spec = read_eval_log(str(path), header_only=True).eval
    # every parameter as resolved (the declaration's defaults, the preset, -T), not only the
    # arguments the run was given
    resolved = (spec.metadata or {}).get("params")
    return dict(resolved or spec.task_args or {}), str(spec.task_version)


def manifest_of(release_dir: Path, rows: Sequence[ResultRow]) -> dict[str, Any]:
    """What a release's MANIFEST.json holds, from its logs and their rows."""
    logs: dict[str, Any] = {}
    for path in sorted(release_dir.rglob("*.eval")):
        name = path.relative_to(release_dir).as_posix()
        protocol, _ = _header(path)
        mine = sorted((r for r in rows if r.log == name), key=lambda r: r.metric)
        first = mine[0] if mine else None
        logs[name] = {
            "sha256": sha256(path), "task": first.task if first else "",
            "task_version": first.task_version if first else "",
            "model": first.model if first else "", "model_roles": first.model_roles if first
            else {}, "protocol": protocol,
            "rows": {r.metric: {k: getattr(r, k) for k in NUMBERS} for r in mine}}
    return {"manifest_version": 1, "logs": logs}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return bool(a == b)


def check_release(release_dir: Path, manifest: Mapping[str, Any], rows: Sequence[ResultRow],
                  versions: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """(mismatches, notes) of one release against its manifest; `rows` re-scored from its logs,
    `versions` the registered version of each task."""
    where = release_dir.name
    bad: list[str] = []
    notes: list[str] = []
    listed: Mapping[str, Any] = manifest.get("logs", {})
    present = {p.relative_to(release_dir).as_posix(): p for p in release_dir.rglob("*.eval")}
    for name in sorted(set(listed) - set(present)):
        bad.append(f"{where}/{name}: in {MANIFEST_FILE} but missing; restore the log")
    for name in sorted(set(present) - set(listed)):
        bad.append(f"{where}/{name}: not in {MANIFEST_FILE}; a release is frozen: move the log "
                   "to results/local or cut a new release")
    by_log: dict[str, list[ResultRow]] = {}
    for row in rows:
        by_log.setdefault(row.log, []).append(row)
    for name in sorted(set(listed) & set(present)):
        entry, path = listed[name], present[name]
        label = f"{where}/{name}"
        if sha256(path) != entry.get("sha256"):
            bad.append(f"{label}: sha256 differs from {MANIFEST_FILE}; the log was modified: "
                       "restore it")
            continue
        protocol, version = _header(path)
        if version != entry.get("task_version"):
            bad.append(f"{label}: task version {version} in the log, "
                       f"{entry.get('task_version')} in {MANIFEST_FILE}")
        for key in sorted(set(protocol) | set(entry.get("protocol", {}))):
            if not _same(protocol.get(key), entry.get("protocol", {}).get(key)):
                bad.append(f"{label}: protocol field {key!r} is {protocol.get(key)!r} in the "
                           f"log, {entry.get('protocol', {}).get(key)!r} in {MANIFEST_FILE}")
        task = entry.get("task", "")
        if versions.get(task) != version:
            notes.append(f"{label}: not re-scored: {task} is now version "
                         f"{versions.get(task, 'unregistered')}, the log is {version}")
            continue
        got = {r.metric: r for r in by_log.get(name, [])}
        want: Mapping[str, Any] = entry.get("rows", {})
        for metric in sorted(set(got) | set(want)):
            if metric not in got or metric not in want:
                side = "only in the manifest" if metric not in got else "new in today's scores"
                bad.append(f"{label}: metric {metric!r} {side}; bump {task}'s version")
                continue
            for key in NUMBERS:
                now, then = getattr(got[metric], key), want[metric].get(key)
                if not _same(now, then):
                    bad.append(f"{label}: {metric} {key} re-scores to {now!r}, the release "
                               f"says {then!r}; a scoring change must bump {task}'s version")
    return bad, notes


def release_dirs(results: Path) -> list[Path]:
    return sorted(p.parent for p in results.glob("*/RELEASE.json"))


def verify(results: str | Path, rows_for: RowsFor, versions: Mapping[str, str],
           write: bool = False) -> tuple[list[str], list[str]]:
    """Check (or, with `write`, freeze) every release under `results`."""
    root = Path(results)
    if not root.is_dir():
        raise UserError(f"results directory {str(root)!r} does not exist; pass the directory "
                        "that holds your releases (default: results)")
    dirs = release_dirs(root)
    if not dirs:
        raise UserError(f"no release under {str(root)!r} (a release is a directory with "
                        "RELEASE.json); see collective_bench/leaderboard/README.md")
    bad: list[str] = []
    notes: list[str] = []
    for directory in dirs:
        rows = rows_for(str(directory))
        target = directory / MANIFEST_FILE
        if write:
            target.write_text(json.dumps(manifest_of(directory, rows), indent=1,
                                         sort_keys=True) + "\n", encoding="utf-8")
            notes.append(f"{target}: written")
            continue
        if not target.is_file():
            bad.append(f"{directory.name}: no {MANIFEST_FILE}; freeze the release with "
                       "'cbench verify --write-manifest'")
            continue
        try:
            manifest = json.loads(target.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            bad.append(f"{target}: unreadable ({error}); restore it")
            continue
        got_bad, got_notes = check_release(directory, manifest, rows, versions)
        bad += got_bad
        notes += got_notes
    return bad, notes
