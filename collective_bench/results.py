"""Derive results-schema rows from inspect eval logs.

Only sample summaries are read (scores, metadata, usage), never the full transcripts, so even
large logs are cheap to score. How a task's per-episode values become reported metrics is the
task's own `aggregate` function, passed in by the caller (the runtime does not import tasks).
"""

from __future__ import annotations

import hashlib
import math
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log, read_eval_log_sample_summaries

from collective_bench.errors import UserError
from collective_bench.results_schema import ResultRow
from collective_bench.spec import protocol_digest

AggregateFor = Callable[[str], Callable[[Sequence[Mapping[str, float]]], Mapping[str, Any]]]
"""task name -> aggregate(per-episode value dicts) -> {metric: Estimate}."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _num(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def find_logs(log_dir: str | Path) -> list[Path]:
    """Every eval log below `log_dir` (recursively), sorted; a clear error if none can be read."""
    root = Path(log_dir)
    if not root.is_dir():
        raise UserError(f"log directory {str(root)!r} does not exist; run 'cbench run' first "
                        "or pass the directory that holds your .eval logs")
    infos = list_eval_logs(str(root.resolve()), recursive=True)
    return sorted(Path(i.name.removeprefix("file://")).resolve() for i in infos)


def _episode_values(log_path: Path) -> tuple[list[dict[str, float]], int, int, Counter[str]]:
    summaries = read_eval_log_sample_summaries(str(log_path))
    episodes: list[dict[str, float]] = []
    invalid = asked = 0
    faults: Counter[str] = Counter()
    for summary in sorted(summaries, key=lambda s: str(s.id)):
        if not summary.scores:
            continue
        score = next(iter(summary.scores.values()))
        if not isinstance(score.value, dict):
            continue
        episodes.append(
            {k: (math.nan if v is None else float(v)) for k, v in score.value.items()}  # type: ignore[arg-type]
        )
        meta = score.metadata or {}
        invalid += int(meta.get("invalid", 0))
        asked += int(meta.get("asked", 0))
        faults.update({k: int(v) for k, v in (meta.get("faults") or {}).items()})
    return episodes, invalid, asked, faults


GENERATION_FIELDS = ("temperature", "max_tokens", "top_p", "stop_seqs", "seed")


def run_generation(task_generation: Mapping[str, Any], config: Any) -> dict[str, Any]:
    """The generation settings a run used: the task's, then the user's overrides."""
    out = {k: v for k, v in task_generation.items() if v is not None}
    for name in GENERATION_FIELDS:
        value = getattr(config, name, None)
        if value is not None:
            out[name] = value
    return out


def focal_share(params: Mapping[str, Any]) -> float | None:
    """Share of the population the focal model played (1.0 when it played alone)."""
    n_agents, n_focal = params.get("n_agents"), params.get("n_focal")
    if n_focal is None:
        return 1.0
    if not n_agents:
        return None
    return min(1.0, int(n_focal) / int(n_agents))


class VersionMismatch(UserError):
    """A log of a task version this checkout does not declare: its scores cannot be
    recomputed by today's code (a version bump says the rules or the scoring changed)."""


def rows_from_log(log_path: Path, root: Path, aggregate_for: AggregateFor,
                  declared_version: Callable[[str], str] | None = None) -> list[ResultRow]:
    """The schema rows of one log (empty for a log that did not finish successfully)."""
    try:
        header: EvalLog = read_eval_log(str(log_path), header_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable file is the user's input problem
        raise UserError(
            f"log {log_path}: it cannot be read ({error}); delete it or re-run that task"
        ) from None
    if header.status != "success":
        return []
    spec = header.eval
    task_name = spec.task.split("/")[-1]
    if declared_version is not None and str(spec.task_version) != declared_version(task_name):
        raise VersionMismatch(
            f"log {log_path.name} is task {task_name} version {spec.task_version}, but this "
            f"checkout declares version {declared_version(task_name)}: score it with the "
            "release it came from, or run the task again")
    aggregate = aggregate_for(task_name)
    episodes, invalid, asked, faults = _episode_values(log_path)
    usage = header.stats.model_usage if header.stats else {}
    costs = [u.total_cost for u in usage.values()]
    cost = None if not costs or any(c is None for c in costs) else float(sum(c or 0 for c in costs))
    roles = {
        role: ",".join(c.model for c in config) if isinstance(config, list) else config.model
        for role, config in (spec.model_roles or {}).items()
    }
    task_args = spec.task_args or {}
    meta = spec.metadata or {}
    params = dict(meta.get("params") or task_args)
    generation = run_generation(meta.get("task_generation") or {},
                                header.plan.config if header.plan else None)
    common: dict[str, Any] = dict(
        model=spec.model,
        model_roles=roles,
        task=spec.task.split("/")[-1],
        task_version=str(spec.task_version),
        family=str((spec.metadata or {}).get("family", "")),
        episodes=len(episodes),
        seed=task_args.get("seed"),
        invalid_rate=(invalid / asked) if asked else None,
        input_tokens=sum(u.input_tokens for u in usage.values()),
        output_tokens=sum(u.output_tokens for u in usage.values()),
        cost_usd=cost,
        harness_version=str((spec.metadata or {}).get("harness_version", "")),
        git_commit=spec.revision.commit if spec.revision else None,
        created=str(spec.created),
        log=(log_path.relative_to(root).as_posix() if log_path.is_relative_to(root)
             else str(log_path)),
        log_sha256=_sha256(log_path),
        params=params,
        generation=generation,
        preset=meta.get("preset"),
        focal_share=focal_share(params),
        protocol=protocol_digest(spec.task.split("/")[-1], str(spec.task_version), params,
                                 generation, roles),
        retries=faults["retries"],
        faults=";".join(f"{k.removeprefix('fault:')}={v}" for k, v in sorted(faults.items())
                        if k.startswith("fault:")),
        source=meta.get("citation"),
    )
    rows = []
    for metric, est in sorted(aggregate(episodes).items()):
        rows.append(ResultRow(metric=metric, value=_num(est.value), ci_low=_num(est.ci_low),
                              ci_high=_num(est.ci_high), n_episodes=int(est.n), **common))
    return rows


def rows_from_dir(log_dir: str | Path, aggregate_for: AggregateFor,
                  declared_version: Callable[[str], str] | None = None) -> list[ResultRow]:
    """Rows of every log below `log_dir`; a log of a task version this checkout does not
    declare is skipped with a one-line warning on stderr (it never blocks the others)."""
    # Resolved, so that `log` is relative to it: an absolute path would publish the user's
    # directory layout on the leaderboard.
    root = Path(log_dir).resolve()
    rows: list[ResultRow] = []
    for path in find_logs(root):
        try:
            rows.extend(rows_from_log(path, root, aggregate_for, declared_version))
        except UserError as error:  # one bad log never blocks the others' results
            print(f"cbench: warning: skipped {error}", file=sys.stderr)
    return rows


def unreadable_logs(log_dir: str | Path) -> list[Path]:
    """`.eval` files directly in `log_dir` whose header cannot be read (torn, half-written)."""
    bad = []
    for path in sorted(Path(log_dir).glob("*.eval")):
        try:
            read_eval_log(str(path), header_only=True)
        except Exception:  # noqa: BLE001 - zip, zstd and JSON errors alike
            bad.append(path)
    return bad
