"""The static site from synthetic rows: escaping, determinism, pages, downloads, atomic publish."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import random
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from collective_bench.errors import UserError
from collective_bench.leaderboard import build, downloads
from collective_bench.leaderboard.build import build_site, render_site, safe_json
from collective_bench.leaderboard.view import fmt_number, slug
from collective_bench.results_schema import ResultRow

from .samples import HOSTILE, RELEASES, TASKS, RowFactory, release_rows


class _Scripts(HTMLParser):
    """Collects every <script> element as the browser's HTML parser would split them."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = True
            self.scripts.append((dict(attrs), ""))

    def handle_data(self, data: str) -> None:
        if self._open:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = False


def scripts_of(html: str) -> list[tuple[dict[str, str | None], str]]:
    parser = _Scripts()
    parser.feed(html)
    return parser.scripts


def site(rows: list[ResultRow] | None = None) -> dict[str, str]:
    files = render_site(release_rows() if rows is None else rows, RELEASES, TASKS)
    return {name: data.decode("utf-8") for name, data in files.items()
            if not name.endswith(".parquet")}


def test_every_page_exists() -> None:
    files = site()
    assert {"index.html", "compare.html", ".nojekyll", "downloads/leaderboard.json",
            "downloads/leaderboard.csv", "downloads/cite.bib"} <= set(files)
    assert {n for n in files if n.startswith("tasks/")} == {
        f"tasks/{slug(t)}.html" for t in ("naming_game", "public_goods", "commons")}
    models = {"reference/random", "reference/textbook", "reference/selfish",
              "openai/gpt-4o-mini", HOSTILE}
    assert {n for n in files if n.startswith("models/")} == {
        f"models/{slug(m)}.html" for m in models}
    metric_plots = [n for n in files if n.startswith("plots/") and n.count("/") == 1]
    assert len(metric_plots) == 4 and all(n.endswith(".svg") for n in metric_plots)
    # a profile per model that has a headline score (the hostile model's card too)
    assert {n for n in files if n.startswith("plots/models/")} == {
        f"plots/models/{slug(m)}.svg" for m in models}


def test_hostile_model_name_is_escaped_everywhere() -> None:
    for name, text in site().items():
        if name.endswith(".html"):
            assert HOSTILE not in text, name
    page = site()[f"models/{slug(HOSTILE)}.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert [attrs for attrs, _ in scripts_of(page)] == [{}]  # only our sorter


def test_safe_json_cannot_close_or_comment_out_its_script() -> None:
    text = str(safe_json([{"model": "x</script><!--<script>", "m": "a&b>c"}]))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)[0]["model"] == "x</script><!--<script>"


def test_same_rows_in_any_order_give_identical_files(tmp_path: Path) -> None:
    rows = release_rows()
    shuffled = list(rows)
    random.Random(3).shuffle(shuffled)
    shuffled = [ResultRow(**{**r.to_dict(), "model_roles": dict(reversed(r.model_roles.items()))})
                for r in shuffled]
    build_site(rows, tmp_path / "a", RELEASES, TASKS)
    build_site(shuffled, tmp_path / "b", RELEASES, TASKS)
    build_site(rows, tmp_path / "a", RELEASES, TASKS)  # rebuilding in place changes nothing
    names = sorted(p.relative_to(tmp_path / "a").as_posix()
                   for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(tmp_path / "b").as_posix()
                           for p in (tmp_path / "b").rglob("*") if p.is_file())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_overview_ranks_ties_releases_and_supersession() -> None:
    index = site()["index.html"]
    release, local = index.split('id="release-local', 1)
    assert "Release <strong>2026.1</strong>" in release and "1.0.0" in release
    assert "1 older run(s) in this release superseded" in release
    assert '>0.90</a> <span class="ci">[0.85, 0.95]</span></td>' in release
    assert "[0.18, 0.42]" not in release
    # local: textbook [0.61, 0.85] and the hostile model [0.38, 0.62] overlap: tied first
    ci = r'</a> <span class="ci">'
    assert re.search(r'"rank[^>]*>=1</span> <a href="models/[^"]+#run-[^"]+">0.73' + ci
                     + r'\[0.61, 0.85\]', local)  # every score links to its provenance
    assert re.search(r'"rank[^>]*>=1</span> <a[^>]*>0.50' + ci + r'\[0.38, 0.62\]', local)
    assert re.search(r'"rank[^>]*>4</span> <a[^>]*>0.11' + ci + r'\[0.00, 0.23\]', local)
    # one table per family, each reachable from the family tabs
    assert re.findall(r'<nav class="tabs"[^>]*>(.*?)</nav>', local)[0].count("<a ") == 2
    assert "commons \u00b7 Commons survival" in release  # schema display name
    assert "public_goods \u00b7 cooperation" in local  # unknown metric: raw name
    assert index.count('<span class="badge"') >= 6


def test_task_page_versions_protocol_plots_and_notes() -> None:
    page = site()[f"tasks/{slug('naming_game')}.html"]
    assert "Agents in random pairs name one of W labels" in page
    assert "latest of 2 runs in this release" in page
    assert page.count('<img src="../plots/') == 2
    svg = site()[f"plots/{slug('naming_game')}--{slug('consensus')}.svg"]
    assert "Date" not in svg and "&lt;script&gt;" in svg and "<script" not in svg


def test_model_card_provenance_cost_risk_and_cite() -> None:
    card = site()[f"models/{slug('reference/selfish')}.html"]
    assert "Commons collapse" in card and re.search(r"<td>confident</td>", card)
    assert card.count("<td>not measured</td>") == 3
    assert "survival_rate &lt; 0.5" in card
    for needle in ("suite version", "<code>1.0.0</code>", "harness version", "git commit",
                   "log sha256", "120,000 in / 3,400 out", "@misc{cbench:2026-1:reference-selfish"):
        assert needle in card
    gpt = site()[f"models/{slug('openai/gpt-4o-mini')}.html"]
    assert "latest of 2 logs (older: superseded)" in gpt and "$1.50" in gpt
    textbook = site()[f"models/{slug('reference/textbook')}.html"]
    assert "&middot; cost unknown</p>" in textbook  # one run's cost is unknown: so is the total


def test_downloads_agree(tmp_path: Path) -> None:
    files = site()
    doc = json.loads(files["downloads/leaderboard.json"])
    assert len(doc["rows"]) == len(release_rows())
    assert {r["release"] for r in doc["rows"]} == {"2026.1", "local"}
    assert [r["latest"] for r in doc["rows"] if r["log"].endswith("old.eval")] == [False]
    table = list(csv.DictReader(io.StringIO(files["downloads/leaderboard.csv"])))
    assert len(table) == len(doc["rows"]) and table[0].keys() == set(doc["columns"])
    if downloads.parquet_available():
        import pyarrow.parquet as pq

        raw = render_site(release_rows(), RELEASES, TASKS)["downloads/leaderboard.parquet"]
        assert pq.read_table(io.BytesIO(raw)).num_rows == len(doc["rows"])
    else:
        assert "not built (pyarrow is not installed" in files["index.html"]


def test_pages_are_self_contained_with_matching_csp() -> None:
    for name, text in site().items():
        if not name.endswith(".html"):
            continue
        assert "http://" not in text and "https://" not in text and "fetch(" not in text
        for link in re.findall(r'(?:href|src)="([^"]*)"', text):
            assert not link.startswith("/") and "://" not in link, (name, link)
        for attrs, script in scripts_of(text):
            if attrs.get("type") == "application/json":
                continue
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            assert f"&#39;sha256-{digest}&#39;" in text


def test_no_rows_gives_an_empty_site() -> None:
    files = site([])
    assert "No results yet" in files["index.html"]


def test_bad_rows_are_refused_before_writing(tmp_path: Path, make_row: RowFactory) -> None:
    out = tmp_path / "site"
    build_site(release_rows(), out, RELEASES, TASKS)
    before = (out / "index.html").read_bytes()
    for bad in ([make_row(value=1.4)], [make_row(ci_low=0.9, ci_high=0.1)],
                [make_row(metric="new_metric", value=-3.0, ci_low=None, ci_high=0.2)]):
        with pytest.raises(UserError) as caught:
            build_site(bad, out, RELEASES, TASKS)
        assert "\n" not in str(caught.value) and "row 1" in str(caught.value)
    assert (out / "index.html").read_bytes() == before
    build_site([make_row(metric="new_metric", value=-3.0, ci_low=-4.0, ci_high=-2.0)],
               tmp_path / "other")  # an unknown metric with any finite value is fine


def test_existing_foreign_directory_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="did not write"):
        build_site(release_rows(), out)
    assert (out / "notes.txt").read_text() == "mine"
    (tmp_path / "file").write_text("x")
    with pytest.raises(UserError, match="not a directory"):
        build_site(release_rows(), tmp_path / "file")


def test_failed_build_leaves_previous_site(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    build_site(release_rows(), out, RELEASES, TASKS)
    before = (out / "index.html").read_bytes()

    def broken_write(self: Path, data: bytes) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(Path, "write_bytes", broken_write)
    with pytest.raises(OSError, match="disk full"):
        build_site(release_rows()[:2], out)
    monkeypatch.undo()
    assert (out / "index.html").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary directories
    with pytest.raises(UserError):
        build_site([*release_rows(), release_rows()[0]], out)  # a duplicate row
    assert (out / "index.html").read_bytes() == before


def test_fmt_number() -> None:
    assert [fmt_number(x) for x in (0.734, 0.0, -0.004, 12.345, 812.5, None)] == [
        "0.73", "0.00", "-0.004", "12.35", "812", "\u2014"]


def test_templates_live_next_to_the_module() -> None:
    assert (build.TEMPLATES / "base.html.j2").is_file()
    assert build.TEMPLATES.parent == Path(build.__file__).parent
