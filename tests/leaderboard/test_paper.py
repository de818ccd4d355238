"""Paper tables and `cbench compare`: rounding to the interval's precision, verdict rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from collective_bench.leaderboard.cli import add_commands  # noqa: F401  (the commands under test)
from collective_bench.leaderboard.paper import (
    compare_runs,
    decimals_for,
    latex,
    markdown,
    score_text,
    scores_table,
)
from collective_bench.leaderboard.releases import latest_runs
from collective_bench.leaderboard.schema import load_schema
from collective_bench.leaderboard.stats import Difference
from collective_bench.leaderboard.stats import verdict_of as verdict
from collective_bench.results_schema import ResultRow
from tests.leaderboard.samples import TASKS

from .samples import make_row, sample_rows


def test_rounding_follows_the_interval() -> None:
    assert decimals_for(0.12) == 2 and decimals_for(0.012) == 3
    assert decimals_for(3.4) == 1 and decimals_for(34.0) == 0
    assert score_text(0.7312, 0.61, 0.85) == "0.73 \u00b1 0.12"
    assert score_text(0.7312, 0.61, 0.85, "ci") == "0.73 [0.61, 0.85]"
    assert score_text(812.5, 700.0, 1000.0) == "812 \u00b1 188"
    assert score_text(600.0, 600.0, 600.0) == "600 \u00b1 0"
    assert score_text(None, None, None) == "\u2014"
    assert score_text(0.004, None, None) == "0.004"


def test_markdown_and_latex_tables() -> None:
    rows = sample_rows()
    text = scores_table(rows, "markdown")
    lines = text.splitlines()
    assert lines[0] == "| model | task | version | metric | value | n |"
    assert len(lines) == 2 + len(rows)
    want = "| reference/textbook | naming_game | 1 | consensus | 0.73 \u00b1 0.12 | 40/50 |"
    assert want in lines
    tex = scores_table(rows, "latex")
    assert tex.startswith("\\begin{tabular}{llllrr}") and "$\\pm$" in tex
    odd = scores_table([make_row("org/50%_model", "consensus", 0.5)], "latex")
    assert "org/50\\%\\_model" in odd  # LaTeX specials in a model name are escaped
    assert "reference/textbook & naming\\_game & 1 & consensus & 0.73 $\\pm$ 0.12" in tex
    assert markdown(["a|b"], [["x|y"]]).splitlines()[2] == "| x\\|y |"
    assert latex(["m"], [["50%"]]).count("50\\%") == 1


def test_verdicts_match_the_site_rules() -> None:
    assert verdict(None, "higher") == "not comparable"
    # the site's rule: a verdict only when the two intervals are apart (`separated`); a
    # difference whose own interval excludes 0 but whose scores' intervals overlap is a tie
    assert verdict(Difference(0.1, 0.01, 0.2), "higher") == "tie"
    assert verdict(Difference(0.1, 0.01, 0.2, separated=True), "higher") == "A better"
    assert verdict(Difference(0.1, 0.01, 0.2, separated=True), "lower") == "B better"
    assert verdict(Difference(-0.1, -0.2, -0.01, separated=True), "neutral") == "B higher"
    assert verdict(Difference(0.1, None, None), "higher") == "tie"


def _rows(*items: ResultRow) -> list[ResultRow]:
    return list(items)


def test_compare_runs_pairs_metrics_and_refuses_other_versions() -> None:
    a = latest_runs(_rows(make_row("m/a", "consensus", 0.9, ci_low=0.85, ci_high=0.95),
                          make_row("m/a", "time_to_consensus", 10.0)), {})
    b = latest_runs(_rows(make_row("m/b", "consensus", 0.3, ci_low=0.25, ci_high=0.35),
                          make_row("m/b", "time_to_consensus", 12.0, task_version="2")), {})
    got = {c.metric: c for c in compare_runs(a, b, load_schema().with_tasks(TASKS))}
    assert got["consensus"].verdict == "A better"
    assert got["consensus"].diff is not None
    assert got["consensus"].diff.value == pytest.approx(0.6)
    assert got["time_to_consensus"].verdict == "task versions differ"


def test_cli_compare_and_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    import collective_bench.cli as cli

    rows = sample_rows()
    monkeypatch.setattr(cli, "_rows", lambda _d: rows)
    assert cli.main(["compare", "reference/textbook", "reference/random", "--results",
                     str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("A = reference/textbook (local), B = reference/random")
    consensus = next(line for line in out if "consensus" in line and "time" not in line)
    assert "0.73 [0.61, 0.85]" in consensus and consensus.rstrip().endswith("A better")
    assert cli.main(["compare", "nobody", "reference/random", "--results", str(tmp_path)]) == 2
    assert cli.main(["scores", str(tmp_path), "--format", "latex", "--interval", "ci"]) == 0
    assert "0.73 [0.61, 0.85]" in capsys.readouterr().out


def test_the_readme_cites_the_release_exactly_as_the_site() -> None:
    from collective_bench.leaderboard.cite import release_bibtex
    from collective_bench.leaderboard.releases import load_releases

    root = Path(__file__).resolve().parents[2]
    releases = load_releases(root / "results")
    release = releases[max(releases, key=lambda name: releases[name].date)]  # the newest
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert f"```bibtex\n{release_bibtex(release)}```" in readme
    assert "@misc{cbench:" not in readme and "n.d." not in release_bibtex(release)
