"""`cbench verify`: a frozen release re-scores from its logs; any tampering is one line, exit 1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from collective_bench.cli import _rows, main
from collective_bench.leaderboard.verify import MANIFEST_FILE

SOURCE = sorted(p.parent for p in
                (Path(__file__).resolve().parents[2] / "results").glob("*/RELEASE.json"))[-1]
"""The newest published release."""
SMALL = min((p for p in SOURCE.glob("*_commons_*.eval")), key=lambda p: p.stat().st_size).name
"""The smallest published log: a release's frozen copy of one run to tamper with."""


@pytest.fixture(name="results")
def results_fixture(tmp_path: Path) -> Path:
    release = tmp_path / "results" / "v9"
    release.mkdir(parents=True)
    shutil.copy(SOURCE / SMALL, release / SMALL)
    (release / "RELEASE.json").write_text(json.dumps(
        {"name": "v9", "suite_version": "0.1.0", "date": "2026-11-25"}))
    assert main(["verify", str(tmp_path / "results"), "--write-manifest"]) == 0
    return tmp_path / "results"


def run(results: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = main(["verify", str(results)])
    return code, capsys.readouterr().out.splitlines()


def test_a_frozen_release_verifies(results: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(results, capsys)
    assert code == 0 and "re-scores from its logs" in out[-1]


def test_a_changed_score_fails_with_one_line(results: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = results / "v9" / MANIFEST_FILE
    manifest = json.loads(path.read_text())
    actual = manifest["logs"][SMALL]["rows"]["survival_rate"]["value"]
    months = manifest["logs"][SMALL]["protocol"]["months"]
    manifest["logs"][SMALL]["rows"]["survival_rate"]["value"] = 0.5
    manifest["logs"][SMALL]["protocol"]["months"] = 99
    path.write_text(json.dumps(manifest))
    code, out = run(results, capsys)
    assert code == 1
    assert [line for line in out if f"survival_rate value re-scores to {actual}" in line]
    assert [line for line in out if f"protocol field 'months' is {months}" in line], out
    assert out[-1] == "2 mismatch(es)"


def test_modified_added_and_missing_logs(results: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    release = results / "v9"
    shutil.copy(release / SMALL, release / "extra.eval")
    with (release / SMALL).open("ab") as handle:
        handle.write(b"\0")
    code, out = run(results, capsys)
    assert code == 1
    assert any("extra.eval: not in MANIFEST.json" in line for line in out)
    assert any(f"{SMALL}: sha256 differs" in line for line in out)
    (release / SMALL).unlink()
    code, out = run(results, capsys)
    assert any(f"{SMALL}: in MANIFEST.json but missing" in line for line in out)


def test_a_release_without_manifest_fails(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    release = tmp_path / "r" / "v1"
    release.mkdir(parents=True)
    (release / "RELEASE.json").write_text(json.dumps(
        {"name": "v1", "suite_version": "0.1.0", "date": "2026-11-25"}))
    code, out = run(tmp_path / "r", capsys)
    assert code == 1 and "no MANIFEST.json" in out[0]
    assert main(["verify", str(tmp_path / "nowhere")]) == 2


def test_the_published_release_matches_its_manifest() -> None:
    from collective_bench.leaderboard.cli import registry_tasks
    from collective_bench.leaderboard.verify import verify

    bad, _ = verify(SOURCE.parent, _rows, {t.name: t.version for t in registry_tasks()})
    assert bad == []


def test_the_published_results_verify(capsys: pytest.CaptureFixture[str]) -> None:
    """Every committed release re-scores from its own logs (what `cbench verify results` checks
    before a release lands)."""
    assert main(["verify", str(SOURCE.parent)]) == 0, capsys.readouterr().out
