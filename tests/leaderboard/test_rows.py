"""Reading results files: every problem is one line that names the file, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from collective_bench.errors import UserError
from collective_bench.leaderboard.build import load_rows_json
from collective_bench.leaderboard.rows import check_rows
from collective_bench.results_schema import ResultRow

from .samples import RowFactory


def write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "scores.json"
    path.write_text(content, encoding="utf-8")
    return path


def error_for(path: Path) -> str:
    with pytest.raises(UserError) as caught:
        load_rows_json(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    return message


def test_round_trip(sample_rows: list[ResultRow], tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps([r.to_dict() for r in sample_rows], indent=2))
    assert load_rows_json(path) == sample_rows


@pytest.mark.parametrize("content, problem", [
    ('[{"model": "a", "task": ', "not valid JSON"),  # truncated
    ("", "not valid JSON"),
    ("{not json}", "not valid JSON"),
    ('{"rows": []}', "must hold a JSON list of rows, not dict"),
    ("[1]", "row 1 must be a JSON object, not int"),
    ('[{"model": "a"}]', "row 1: missing field 'task'"),
])
def test_malformed_files(tmp_path: Path, content: str, problem: str) -> None:
    assert problem in error_for(write(tmp_path, content))


def test_missing_file(tmp_path: Path) -> None:
    assert "cannot read" in error_for(tmp_path / "nope.json")


@pytest.mark.parametrize("change, problem", [
    ({"value": "0.7"}, "field 'value' must be a finite number or null, got '0.7'"),
    ({"n_episodes": True}, "field 'n_episodes' must be an integer"),
    ({"model_roles": {"background": 3}}, "field 'model_roles' must be an object of strings"),
    ({"seed": 1.5}, "field 'seed' must be an integer or null"),
    ({"schema_version": "0"}, "schema_version '0' is not the version"),
    ({"n_episodes": 60}, "n_episodes 60 must be between 0 and episodes (50)"),
    ({"surprise": 1}, "unknown field 'surprise'"),
])
def test_bad_rows(tmp_path: Path, make_row: RowFactory, change: dict[str, Any],
                  problem: str) -> None:
    path = write(tmp_path, json.dumps([make_row().to_dict(), {**make_row().to_dict(), **change}]))
    message = error_for(path)
    assert "row 2" in message and problem in message


def test_nan_is_refused(tmp_path: Path, make_row: RowFactory) -> None:
    path = write(tmp_path, json.dumps([make_row(value=float("nan")).to_dict()]))
    assert "NaN is not a JSON number" in error_for(path)


def test_duplicate_and_inconsistent_rows(make_row: RowFactory) -> None:
    with pytest.raises(UserError, match="repeats a score"):
        check_rows([make_row(), make_row(value=0.5)])
    with pytest.raises(UserError, match=r"disagrees with another row .* on 'cost_usd'"):
        check_rows([make_row(), make_row(metric="other", cost_usd=2.0)])
    check_rows([make_row(), make_row(model_roles={"background": "x"})])  # another run: fine
