"""`cbench leaderboard build|serve`, attached to a bare parser (no task family imported)."""

from __future__ import annotations

import argparse
import json
import threading
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from collective_bench.errors import UserError
from collective_bench.leaderboard import cli
from collective_bench.results_schema import ResultRow

from .samples import TASKS, release_rows


def parser(rows: list[ResultRow]) -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="cbench")
    cli.add_commands(top.add_subparsers(dest="command", required=True), lambda _: list(rows))
    return top


def run(rows: list[ResultRow], *argv: str) -> Any:
    args = parser(rows).parse_args(list(argv))
    return args.func(args)


@pytest.fixture(autouse=True)
def no_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "registry_tasks", lambda: list(TASKS))


def test_build_reads_releases_from_the_results_dir(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    results = tmp_path / "results"
    (results / "2026.1").mkdir(parents=True)
    (results / "2026.1" / "RELEASE.json").write_text(json.dumps(
        {"name": "2026.1", "suite_version": "9.9.9", "date": "2026-01-15"}))
    out = tmp_path / "site"
    assert run(release_rows(), "leaderboard", "build", "--results", str(results),
               "--out", str(out)) == 0
    assert capsys.readouterr().out.strip() == str((out / "index.html").resolve())
    assert "<code>9.9.9</code>" in (out / "index.html").read_text()


def test_build_from_a_rows_file_and_refuses_empty_input(tmp_path: Path) -> None:
    rows_file = tmp_path / "scores.json"
    rows_file.write_text(json.dumps([r.to_dict() for r in release_rows()]))
    assert run([], "leaderboard", "build", "--rows", str(rows_file), "--results",
               str(tmp_path / "none"), "--out", str(tmp_path / "site")) == 0
    with pytest.raises(UserError, match="no finished runs"):
        run([], "leaderboard", "build", "--out", str(tmp_path / "other"))
    rows_file.write_text(rows_file.read_text()[:200])  # truncated
    with pytest.raises(UserError, match="scores.json.*not valid JSON"):
        run([], "leaderboard", "build", "--rows", str(rows_file), "--out",
            str(tmp_path / "third"))
    assert not (tmp_path / "third").exists()  # nothing half-built


def test_serve_binds_loopback_and_serves_the_site(tmp_path: Path) -> None:
    run(release_rows(), "leaderboard", "build", "--out", str(tmp_path / "site"))
    args = parser([]).parse_args(["leaderboard", "serve", "--dir", str(tmp_path / "site"),
                                  "--port", "0"])
    assert (args.dir, args.port) == (str(tmp_path / "site"), 0)
    server = cli.make_server(args.dir, args.port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html") as response:
            assert b"Collective Bench" in response.read()
        with pytest.raises(UserError, match="pick another --port"):
            cli.make_server(args.dir, int(port))
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(UserError, match="no built site"):
        cli.make_server(tmp_path / "missing", 0)
