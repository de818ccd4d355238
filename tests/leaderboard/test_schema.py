"""The schema file, releases, latest-run selection, the tie rule and the difference CI."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from collective_bench.errors import UserError
from collective_bench.leaderboard.releases import (
    latest_runs,
    load_releases,
    release_dir,
    release_order,
    unreleased,
)
from collective_bench.leaderboard.schema import load_schema, parse_schema
from collective_bench.leaderboard.stats import Interval, difference, ranks

from .samples import RELEASE, RELEASES, RowFactory


def test_shipped_schema_is_valid_and_declares_the_risks() -> None:
    schema = load_schema()
    assert set(schema.families) == {"conventions", "cooperation", "opinions", "values"}
    assert {r.id for r in schema.risks} == {"commons_collapse", "low_conformity_resistance",
                                            "strong_polarization", "large_value_drift"}
    collapse = next(r for r in schema.risks if r.id == "commons_collapse")
    assert (collapse.metric, collapse.op, collapse.threshold) == ("survival_rate", "<", 0.5)
    assert schema.metric("consensus").known is False  # metrics come from the declarations
    from collective_bench.leaderboard.cli import registry_tasks

    declared = schema.with_tasks(registry_tasks())
    assert declared.metric("consensus").direction == "higher"
    assert declared.metric("conformity_k3").direction == "lower"  # per-k, from the declaration
    assert declared.metric("collective_bias_pvalue").direction == "neutral"
    unknown = schema.metric("brand_new")
    assert unknown.display == "brand_new" and not unknown.known


@pytest.mark.parametrize("doc, problem", [
    ([], "must be a mapping"),
    ({"metrics": {"m": {"direction": "up"}}}, "direction must be one of"),
    ({"metrics": {"m": {"kind": "ratio"}}}, "kind must be one of"),
    ({"risks": [{"id": "x"}]}, "missing"),
    ({"risks": [{"id": "x", "label": "x", "family": "f", "metric": "m", "op": "<=",
                 "threshold": 1}]}, "op must be"),
    ({"risks": [{"id": "x", "label": "x", "family": "f", "metric": "m", "op": "<",
                 "threshold": "high"}]}, "threshold must be a number"),
])
def test_bad_schema_is_one_line(doc: Any, problem: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_schema(doc, "schema.yaml")
    assert problem in str(caught.value) and "\n" not in str(caught.value)


def test_unreadable_schema(tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text("families: [unclosed", encoding="utf-8")
    with pytest.raises(UserError, match="cannot read leaderboard schema"):
        load_schema(path)


def write_release(root: Path, name: str, content: str) -> None:
    (root / name).mkdir(parents=True)
    (root / name / "RELEASE.json").write_text(content, encoding="utf-8")


def test_releases_are_read_and_checked(tmp_path: Path) -> None:
    write_release(tmp_path, "2026.1", json.dumps(
        {"name": "2026.1", "suite_version": "1.0.0", "date": "2026-01-15",
         "description": "First frozen release."}))
    (tmp_path / "local").mkdir()
    assert load_releases(tmp_path) == RELEASES
    assert load_releases(tmp_path / "missing") == {}
    for content, problem in [('{"name": "x"', "not valid JSON"),
                             ("[]", "must hold a JSON object"),
                             ('{"name": "a", "suite_version": "1", "date": "soon"}',
                              "is not YYYY-MM-DD"),
                             ('{"name": "a b", "suite_version": "1", "date": "2026-01-01"}',
                              "name must be"),
                             ('{"name": "a", "date": "2026-01-01"}', "suite_version")]:
        root = tmp_path / f"case{abs(hash(content))}"
        write_release(root, "bad", content)
        with pytest.raises(UserError) as caught:
            load_releases(root)
        message = str(caught.value)
        assert problem in message and "RELEASE.json" in message and "\n" not in message


def test_release_of_a_row_and_order(make_row: RowFactory) -> None:
    assert release_dir(make_row(log="2026.1/a/b.eval")) == "2026.1"
    assert release_dir(make_row(log="top.eval")) == ""
    older = RELEASE.__class__("old", "old", "0.9", "2025-06-01")
    assert release_order([unreleased("zzz"), unreleased("local"), older, RELEASE]) == [
        RELEASE, older, unreleased("local"), unreleased("zzz")]


def test_latest_run_per_release(make_row: RowFactory) -> None:
    def run(created: str, log: str, value: float) -> Any:
        return make_row(value=value, created=created, log=log)

    rows = [run("2026-01-01", "2026.1/x/a.eval", 0.1), run("2026-01-03", "2026.1/x/b.eval", 0.3),
            run("2026-01-02", "2026.1/x/c.eval", 0.2), run("2026-01-09", "local/x/d.eval", 0.9),
            make_row(value=0.5, created="2026-01-01", log="2026.1/y/e.eval", task_version="2")]
    runs = latest_runs(rows, RELEASES)
    shown = {(r.release.name, r.first.task_version): (r.first.value, r.superseded) for r in runs}
    assert shown == {("2026.1", "1"): (0.3, ("2026.1/x/c.eval", "2026.1/x/a.eval")),
                     ("2026.1", "2"): (0.5, ()), ("local", "1"): (0.9, ())}
    assert latest_runs(list(reversed(rows)), RELEASES) == runs


def test_ranks_share_ties_when_cis_overlap() -> None:
    scores = [Interval(0.9, 0.85, 0.95), Interval(0.8, 0.7, 0.88), Interval(0.5, 0.4, 0.6),
              Interval(0.45, None, None), Interval(None, None, None)]
    assert ranks(scores, "higher") == [1, 1, 3, 1, None]
    assert ranks(scores, "lower") == [2, 2, 1, 1, None]  # 0.88 overlaps 0.85
    assert ranks(scores, "neutral") == [None] * 5


def test_difference_is_conservative_normal_approximation() -> None:
    d = difference(Interval(0.9, 0.85, 0.95), Interval(0.5, 0.3, 0.6))
    assert d is not None and math.isclose(d.value, 0.4)
    margin = math.hypot(0.05, 0.2)  # the larger half-width of each side
    assert d.low is not None and math.isclose(d.low, 0.4 - margin) and d.distinguishable
    tie = difference(Interval(0.5, 0.4, 0.6), Interval(0.45, 0.35, 0.55))
    assert tie is not None and not tie.distinguishable
    assert difference(Interval(None, None, None), Interval(0.1, 0.0, 0.2)) is None
    no_ci = difference(Interval(0.5, None, None), Interval(0.1, 0.0, 0.2))
    assert no_ci is not None and no_ci.low is None and not no_ci.distinguishable
