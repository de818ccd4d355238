"""The static site from synthetic rows: escaping, determinism, nulls, provenance, atomic publish."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from collective_bench.errors import UserError
from collective_bench.results_schema import ResultRow, row_from_dict
from leaderboard import build
from leaderboard.build import build_site, data_json
from leaderboard.view import fmt_number

from .samples import HOSTILE, RowFactory


class _Scripts(HTMLParser):
    """Collects every <script> element as the browser's HTML parser would split them."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = None


def scripts_of(html: str) -> list[tuple[dict[str, str | None], str]]:
    parser = _Scripts()
    parser.feed(html)
    return parser.scripts


def built(rows: list[ResultRow], out: Path, **kwargs: str) -> str:
    index = build_site(rows, out, **kwargs)
    assert index == out.absolute() / "index.html"
    return index.read_text(encoding="utf-8")


def test_hostile_model_name_is_escaped(sample_rows: list[ResultRow], tmp_path: Path) -> None:
    html = built(sample_rows, tmp_path / "site", title="<b>bench</b>")
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bench</b>" not in html and "&lt;b&gt;bench&lt;/b&gt;" in html
    scripts = scripts_of(html)
    assert [attrs for attrs, _ in scripts] == [{"type": "application/json", "id": "data"}, {}]
    assert "alert" not in scripts[1][1]


def test_data_block_round_trips(sample_rows: list[ResultRow], tmp_path: Path) -> None:
    html = built(sample_rows, tmp_path / "site")
    (_, text), _ = scripts_of(html)
    data = json.loads(text)
    assert [row_from_dict(item) for item in data] == sorted(
        sample_rows, key=lambda r: (r.task, r.model, sorted(r.model_roles.items()), r.metric))
    assert "<" not in text and HOSTILE in {item["model"] for item in data}


def test_data_json_cannot_close_or_comment_out_its_script(make_row: RowFactory) -> None:
    text = data_json([make_row("x</script><!--<script>", metric="a&b>c")])
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)[0]["model"] == "x</script><!--<script>"


def test_same_rows_in_any_order_give_identical_files(sample_rows: list[ResultRow],
                                                      tmp_path: Path) -> None:
    shuffled = list(sample_rows)
    random.Random(3).shuffle(shuffled)
    # the same roles inserted in another order are the same run
    shuffled = [ResultRow(**{**r.to_dict(), "model_roles": dict(reversed(r.model_roles.items()))})
                for r in shuffled]
    build_site(sample_rows, tmp_path / "a")
    build_site(shuffled, tmp_path / "b")
    build_site(sample_rows, tmp_path / "a")  # rebuilding in place changes nothing either
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == [".nojekyll", "index.html"]
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_scores_nulls_and_baselines(sample_rows: list[ResultRow], tmp_path: Path) -> None:
    html = built(sample_rows, tmp_path / "site")
    assert re.search(r'data-value="0.73" title="0.73, 95% CI \[0.61, 0.85\]; n = 40 of 50 '
                     r'episodes">0.73 \[0.61, 0.85\]</td>', html)
    assert re.search(r'data-value="" title="undefined: no episode defines it \(n = 0 of 50 '
                     r'episodes\)">\u2014</td>', html)
    assert '<td class="num" data-value="" title="cost unknown">unknown</td>' in html
    assert '>0.0040 [' not in html and '>0.004 [' in html  # small values keep their digits
    for model in ("reference/random", "reference/textbook", "reference/selfish"):
        assert re.search(rf'>{re.escape(model)}</a><span class="badge">baseline</span>', html)
    assert not re.search(r'>openai/gpt-4o-mini</a><span class="badge">', html)
    assert "adversary: reference/random, background: reference/textbook" in html


def test_provenance(sample_rows: list[ResultRow], tmp_path: Path) -> None:
    html = built(sample_rows, tmp_path / "site")
    assert html.count("<article id=\"run-") == 6  # one card per (model, task) run
    assert f'<dd title="{"f" * 64}"><code>ffffffffffff\u2026</code></dd>' in html
    assert '<code>0123456789ab\u2026</code>' in html
    assert "<dd>not a git checkout</dd>" in html and "<dd>not recorded</dd>" in html
    assert "<dd>120,000 in / 3,400 out</dd>" in html
    assert "<dd>$1.50</dd>" in html and "<dd>unknown</dd>" in html
    assert "<code>local/naming_game/reference_textbook.eval</code>" in html
    assert "<code>2025-01-02T03:04:05+00:00</code>" in html


def test_page_is_self_contained(sample_rows: list[ResultRow], tmp_path: Path) -> None:
    html = built(sample_rows, tmp_path / "site")
    assert "http://" not in html and "https://" not in html and "fetch(" not in html
    assert all(link.startswith(("#", "data:")) for link in re.findall(r'(?:href|src)="([^"]*)"',
                                                                      html))
    _, (_, script) = scripts_of(html)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src &#39;sha256-{digest}&#39;" in html  # the CSP lets only our script run


def test_no_rows_gives_an_empty_page(tmp_path: Path) -> None:
    html = built([], tmp_path / "site")
    assert "No results yet" in html and scripts_of(html)[0][1] == "[]"


def test_existing_foreign_directory_is_refused(sample_rows: list[ResultRow],
                                               tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="did not write"):
        build_site(sample_rows, out)
    assert (out / "notes.txt").read_text() == "mine"
    (tmp_path / "file").write_text("x")
    with pytest.raises(UserError, match="not a directory"):
        build_site(sample_rows, tmp_path / "file")


def test_failed_build_leaves_previous_site(sample_rows: list[ResultRow], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    build_site(sample_rows, out)
    before = (out / "index.html").read_bytes()

    def broken_write(self: Path, data: bytes) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(Path, "write_bytes", broken_write)
    with pytest.raises(OSError, match="disk full"):
        build_site(sample_rows[:2], out)
    monkeypatch.undo()
    assert (out / "index.html").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary directories
    with pytest.raises(UserError):
        build_site([*sample_rows, sample_rows[0]], out)  # a duplicate row: refused before writing
    assert (out / "index.html").read_bytes() == before


def test_fmt_number() -> None:
    assert [fmt_number(x) for x in (0.734, 0.0, -0.004, 12.345, 812.5, None)] == [
        "0.73", "0.00", "-0.004", "12.35", "812", "\u2014"]


def test_templates_live_next_to_the_module() -> None:
    assert (build.TEMPLATES / "index.html.j2").is_file()
    assert build.TEMPLATES.parent == Path(build.__file__).parent
