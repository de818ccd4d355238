"""The downloadable tables: leaderboard.json, leaderboard.csv and (when pyarrow is importable)
leaderboard.parquet, all with the same columns: every results-schema field plus `release`,
`suite_version` and `latest` (false for a run superseded by a newer log of the same key).

All three are deterministic for the same rows. Parquet is optional because pyarrow is a heavy
dependency the site does not otherwise need; the page says when it was left out.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from collective_bench.leaderboard.releases import Release, Run, release_dir, unreleased
from collective_bench.results_schema import COLUMNS, ResultRow

EXTRA = ("release", "suite_version", "latest")


def parquet_available() -> bool:
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


def table(rows: Sequence[ResultRow], runs: Sequence[Run],
          releases: Mapping[str, Release]) -> list[dict[str, Any]]:
    latest = {row.log for run in runs for row in run.rows}
    out = []
    for row in rows:
        release = releases.get(release_dir(row)) or unreleased(release_dir(row))
        out.append({**row.to_dict(), "release": release.name,
                    "suite_version": release.suite_version, "latest": row.log in latest})
    return out


def to_json(records: Sequence[Mapping[str, Any]], releases: Sequence[Release]) -> bytes:
    doc = {"schema_version": "1", "columns": [*COLUMNS, *EXTRA],
           "releases": [vars(r) for r in releases], "rows": list(records)}
    return (json.dumps(doc, sort_keys=True, indent=1, allow_nan=False) + "\n").encode("utf-8")


def to_csv(records: Sequence[Mapping[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = [*COLUMNS, *EXTRA]
    writer.writerow(names)
    for record in records:
        writer.writerow(["" if record[n] is None else
                         json.dumps(record[n], sort_keys=True) if isinstance(record[n], dict)
                         else record[n] for n in names])
    return buffer.getvalue().encode("utf-8")


def to_parquet(records: Sequence[Mapping[str, Any]]) -> bytes | None:
    if not parquet_available():
        return None
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = [*COLUMNS, *EXTRA]
    columns: dict[str, list[Any]] = {n: [r[n] for r in records] for n in names}
    for name in ("model_roles", "params", "generation"):  # nested: JSON text in one column
        columns[name] = [json.dumps(r, sort_keys=True) for r in columns[name]]
    types = {"value": pa.float64(), "ci_low": pa.float64(), "ci_high": pa.float64(),
             "invalid_rate": pa.float64(), "cost_usd": pa.float64(), "seed": pa.int64(),
             "n_episodes": pa.int64(), "episodes": pa.int64(), "input_tokens": pa.int64(),
             "output_tokens": pa.int64(), "retries": pa.int64(), "latest": pa.bool_(),
             "focal_share": pa.float64()}
    schema = pa.schema([(n, types.get(n, pa.string())) for n in names])
    arrow = pa.table(columns, schema=schema)
    sink = io.BytesIO()
    pq.write_table(arrow, sink, compression="zstd")
    return sink.getvalue()
