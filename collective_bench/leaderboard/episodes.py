"""Episodes from eval logs: what the dynamics plots and the per-episode pages show.

The rest of the leaderboard reads results-schema rows only; this module is the one place that
opens logs, with inspect's own readers and without the transcripts (`events`, `messages`), so
reading stays proportional to the trajectories, not to every prompt. Each episode keeps its
resolved protocol (the sample metadata), its summary, the task's series from
`scorers.dynamics`, its per-episode scores, and a compact JSON export (bytes, built once here so
a build over many logs holds bytes instead of parsed trajectories).

An episode is tied to the rows of its run by the log path, relative to the results directory,
exactly as `collective_bench.results` writes `row.log`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from collective_bench.errors import UserError
from collective_bench.scorers.dynamics import episode_series

SKIP = {"events", "messages", "attachments", "output"}
RECORD = "EpisodeRecord:"


@dataclass(frozen=True)
class Episode:
    log: str  # relative to the results directory, as in row.log
    task: str
    model: str
    sample_id: str
    seed: int | None
    params: Mapping[str, Any]
    summary: Mapping[str, Any]
    series: Mapping[str, tuple[float, ...]]  # NaN where undefined
    scores: Mapping[str, float | None]
    complete: bool = True
    steps: int = 0
    export: bytes = field(default=b"", repr=False, compare=False)


def clean(value: Any) -> Any:
    """JSON-ready: NaN and infinities become null (JSON has neither)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def make_episode(log: str, task: str, model: str, sample_id: str, metadata: Mapping[str, Any],
                 record: Mapping[str, Any], scores: Mapping[str, Any]) -> Episode:
    """One episode from a sample's metadata, its EpisodeRecord fields and its score dict."""
    summary = record.get("summary") if isinstance(record.get("summary"), Mapping) else {}
    steps = record.get("steps") if isinstance(record.get("steps"), list) else []
    assert isinstance(summary, Mapping) and isinstance(steps, list)
    series = {k: tuple(float("nan") if v is None else float(v) for v in values)
              for k, values in episode_series(task, summary, steps).items()}
    seed = metadata.get("seed")
    params = metadata.get("params") if isinstance(metadata.get("params"), Mapping) else {}
    assert isinstance(params, Mapping)
    values = {str(k): _number(v) for k, v in scores.items()}
    complete = bool(record.get("complete", True))
    export = {"log": log, "task": task, "model": model, "sample_id": sample_id,
              "seed": seed if isinstance(seed, int) else None, "params": params,
              "complete": complete, "scores": values, "summary": summary, "series": series,
              "steps": steps}
    return Episode(log, task, model, sample_id, seed if isinstance(seed, int) else None,
                   dict(params), dict(summary), series, values, complete, len(steps),
                   json.dumps(clean(export), sort_keys=True, separators=(",", ":"),
                              allow_nan=False).encode("utf-8"))


def episodes_from_log(path: Path, root: Path) -> list[Episode]:
    """Every episode of one finished log (none for a log that did not finish)."""
    from inspect_ai.log import read_eval_log, read_eval_log_samples

    try:
        header = read_eval_log(str(path), header_only=True)
        if header.status != "success":
            return []
        log = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        task = header.eval.task.split("/")[-1]
        out = []
        for sample in read_eval_log_samples(str(path), exclude_fields=SKIP):
            record = {k[len(RECORD):]: v for k, v in (sample.store or {}).items()
                      if k.startswith(RECORD)}
            score = next(iter((sample.scores or {}).values()), None)
            values = score.value if score is not None and isinstance(score.value, dict) else {}
            out.append(make_episode(log, task, header.eval.model, str(sample.id),
                                    sample.metadata or {}, record, values))
    except (OSError, ValueError, KeyError) as error:
        raise UserError(f"cannot read the episodes of log {path}: {error}; delete it or re-run "
                        "that task") from None
    return sorted(out, key=lambda e: e.sample_id)


def episodes_from_dir(results_dir: str | Path, logs: Sequence[str] | None = None) -> list[Episode]:
    """Episodes of every log under `results_dir` (or only of `logs`, paths relative to it)."""
    from collective_bench.results import find_logs

    root = Path(results_dir).resolve()
    # rows may come without their logs (a results file, a pruned checkout): no episodes then
    paths = find_logs(root) if logs is None else [
        root / log for log in sorted(set(logs)) if (root / log).is_file()]
    return [e for path in paths for e in episodes_from_log(path, root)]
