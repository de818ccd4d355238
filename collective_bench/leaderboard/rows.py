"""Reading and checking results-schema rows before the leaderboard publishes them.

The schema's own `row_from_dict` checks field names only. A leaderboard that people cite must not
render a string where a number belongs, embed a NaN that makes the page's JSON invalid, or show two
rows that claim the same score, so every row is checked here first. Each problem becomes one
`UserError` line that names the file (or the row) and says how to fix it, as DESIGN.md asks.
"""

from __future__ import annotations

import json
import math
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from collective_bench.errors import UserError
from collective_bench.results_schema import SCHEMA_VERSION, ResultRow, row_from_dict

_HINTS: dict[str, Any] = get_type_hints(ResultRow)

# Fields that belong to a run (one log), not to one metric: every row of a run must agree on them,
# or the provenance shown next to a score could describe a different run than the score came from.
RUN_FIELDS = ("task_version", "family", "episodes", "seed", "invalid_rate", "input_tokens",
              "output_tokens", "cost_usd", "harness_version", "git_commit", "created",
              "log_sha256", "schema_version")

_FIX = "regenerate it with 'cbench scores --format json --out FILE'"


def run_key(row: ResultRow) -> tuple[str, str, tuple[tuple[str, str], ...], str]:
    """The run a row came from: one log of one focal model (with its roles) on one task."""
    return (row.task, row.model, tuple(sorted(row.model_roles.items())), row.log)


def row_sort_key(row: ResultRow) -> tuple[Any, ...]:
    """A total order on checked rows (duplicates are refused): output ignores input order."""
    return (*run_key(row), row.task_version, row.metric)


def _describe(hint: Any) -> str:
    if hint is Any:
        return "any value"
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return " or ".join(_describe(arg) for arg in get_args(hint))
    names = {int: "an integer", float: "a finite number", str: "a string", type(None): "null"}
    if origin is dict:
        return "an object of strings"
    return names.get(hint, getattr(hint, "__name__", str(hint)))


def _matches(value: Any, hint: Any) -> bool:
    if hint is Any:  # free-form fields (resolved parameters, generation settings)
        return True
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return any(_matches(value, arg) for arg in get_args(hint))
    if hint is type(None):
        return value is None
    if origin is dict:
        key_hint, value_hint = get_args(hint)
        return isinstance(value, dict) and all(
            _matches(k, key_hint) and _matches(v, value_hint) for k, v in value.items())
    if isinstance(value, bool):  # bool is an int subclass; True is never a score or a count
        return hint is bool
    if hint is float:
        return isinstance(value, int | float) and math.isfinite(value)
    return isinstance(value, hint)


def _label(row: ResultRow) -> str:
    return f"(model {row.model!r}, task {row.task!r}, metric {row.metric!r})"


def _check_row(row: ResultRow) -> str | None:
    """The first problem of one row, or None."""
    for name, hint in _HINTS.items():
        value = getattr(row, name)
        if not _matches(value, hint):
            return f"field {name!r} must be {_describe(hint)}, got {value!r}"
    if row.schema_version != SCHEMA_VERSION:
        return (f"schema_version {row.schema_version!r} is not the version this leaderboard reads "
                f"({SCHEMA_VERSION!r})")
    if row.n_episodes < 0 or row.episodes < 0 or row.n_episodes > row.episodes:
        return f"n_episodes {row.n_episodes} must be between 0 and episodes ({row.episodes})"
    return None


def check_rows(rows: Sequence[ResultRow], source: str = "rows") -> None:
    """Refuse rows the page could not show truthfully; `source` names them in the message."""
    first: dict[tuple[Any, ...], ResultRow] = {}
    seen: set[tuple[Any, ...]] = set()
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, ResultRow):
            raise TypeError(f"{source}: row {number} is a {type(row).__name__}, not a ResultRow")
        problem = _check_row(row)
        if problem:
            raise UserError(f"{source}: row {number} {_label(row)}: {problem}; {_FIX}")
        key = row_sort_key(row)
        if key in seen:
            raise UserError(f"{source}: row {number} {_label(row)} repeats a score of log "
                            f"{row.log!r}; remove the duplicate row")
        seen.add(key)
        other = first.setdefault(run_key(row), row)
        for name in RUN_FIELDS:
            if getattr(row, name) != getattr(other, name):
                raise UserError(f"{source}: row {number} {_label(row)} disagrees with another row "
                                f"of log {row.log!r} on {name!r}; {_FIX}")


def load_rows_json(path: str | Path) -> list[ResultRow]:
    """Rows from a JSON list of row dicts (as `cbench scores --format json` writes), checked."""
    source = f"results file {str(path)!r}"
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read {source}: {error}") from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except (json.JSONDecodeError, ValueError) as error:
        raise UserError(f"{source} is not valid JSON ({error}); it may be truncated; "
                        f"{_FIX}") from None
    if not isinstance(data, list):
        raise UserError(f"{source} must hold a JSON list of rows, not "
                        f"{type(data).__name__}; {_FIX}")
    rows = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise UserError(f"{source}: row {number} must be a JSON object, not "
                            f"{type(item).__name__}; {_FIX}")
        try:
            rows.append(row_from_dict(item))
        except (TypeError, ValueError) as error:
            raise UserError(f"{source}: row {number}: {error}; {_FIX}") from None
    check_rows(rows, source)
    return rows


def _refuse_constant(name: str) -> float:
    """Python's json accepts NaN/Infinity, which are not JSON and which a browser refuses."""
    raise ValueError(f"{name} is not a JSON number; undefined values must be null")
