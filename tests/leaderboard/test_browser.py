"""The built site in real headless Chromium, from file:// and over HTTP, as a reader would use it.

Uses the system Chromium (never `playwright install`, which downloads browsers): set
CHROMIUM_PATH or install it at /usr/bin/chromium. Without it the tests skip locally, but fail when
CI=true, so a missing browser can never turn a CI failure into a silent skip.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin, urlparse
from urllib.request import url2pathname

import pytest

from collective_bench.leaderboard.build import build_site
from collective_bench.leaderboard.cli import make_server
from collective_bench.leaderboard.schema import load_schema
from collective_bench.leaderboard.stats import Interval, difference, verdict_of
from collective_bench.leaderboard.view import slug

from .samples import HOSTILE, RELEASES, TASKS, make_row, release_rows, sample_episodes

pytestmark = pytest.mark.slow  # `make test-slow` (and CI) runs these; `make test` does not

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def _unavailable(reason: str) -> None:
    message = f"{reason}; install Chromium (apt-get install chromium) or set CHROMIUM_PATH"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"no Chromium executable at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    log = tmp_path_factory.mktemp("logs") / "random.eval"
    log.write_bytes(b"not really a log")
    return build_site(release_rows(), tmp_path_factory.mktemp("site") / "site", RELEASES,
                      TASKS, episodes=sample_episodes(),
                      log_files={make_row("reference/random").log: log}).parent


@pytest.fixture(scope="module")
def http_root(site_dir: Path) -> Iterator[str]:
    server = make_server(site_dir, 0)  # port 0: a free port chosen by the OS
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(params=["file", "http"])
def root(request: pytest.FixtureRequest, site_dir: Path) -> str:
    if request.param == "file":
        return site_dir.as_uri() + "/"
    return str(request.getfixturevalue("http_root"))


@dataclass
class Problems:
    """Everything that would mean a page is broken or unsafe, collected while it is open."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def assert_none(self) -> None:
        assert self.console_errors == []
        assert self.page_errors == []
        assert self.dialogs == []
        assert self.foreign == []


class Reader:
    """One browser tab that records problems on every page it opens."""

    def __init__(self, browser: Browser, root: str) -> None:
        self.page: Page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.problems = Problems()
        self.root = root
        self.page.on("console", self._console)
        self.page.on("pageerror", self._page_error)
        self.page.on("dialog", self._dialog)
        self.page.on("request", self._request)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.console_errors.append(f"{self.page.url}: {message.text}")

    def _page_error(self, error: Any) -> None:
        self.problems.page_errors.append(f"{self.page.url}: {error}")

    def _request(self, request: Any) -> None:
        if not request.url.startswith((self.root, "data:")):
            self.problems.foreign.append(request.url)

    def _dialog(self, dialog: Any) -> None:
        self.problems.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, path: str) -> Page:
        self.page.goto(urljoin(self.root, path), wait_until="load")
        return self.page


@pytest.fixture
def reader(browser: Browser, root: str) -> Iterator[Reader]:
    tab = Reader(browser, root)
    try:
        yield tab
    finally:
        tab.page.close()


# Plots are lazy-loaded: scroll each into view and wait for it to decode before measuring it.
LOAD_IMAGES = """async () => {
  const widths = [];
  for (const image of Array.from(document.images)) {
    image.scrollIntoView();
    try { await image.decode(); } catch (error) { widths.push(0); continue; }
    widths.push(image.naturalWidth);
  }
  return widths;
}"""


def resolves(page: Page, url: str) -> bool:
    """A non-page link (a download) exists: on disk for file://, HTTP 200 otherwise."""
    if url.startswith("file://"):
        return Path(url2pathname(urlparse(url).path)).is_file()
    return page.request.get(url).ok


def shoot(page: Page, request: pytest.FixtureRequest, name: str) -> None:
    artifacts = request.config.rootpath / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / f"leaderboard-{name}.png"), full_page=True)


def test_every_page_loads_links_resolve_and_plots_render(
        reader: Reader, request: pytest.FixtureRequest) -> None:
    """Crawl from index.html: every relative link and image resolves, every page is clean."""
    seen: set[str] = set()
    queue = [urljoin(reader.root, "index.html")]
    anchors: list[tuple[str, str]] = []
    images = 0
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        page = reader.page
        response = page.goto(url, wait_until="load")
        assert response is None or response.ok, url  # file:// navigations have no response
        assert page.title().endswith("Collective Bench"), url
        widths = page.evaluate(LOAD_IMAGES)
        assert all(w and w > 0 for w in widths), (url, widths)
        images += len(widths)
        hrefs = page.evaluate("Array.from(document.querySelectorAll('a[href]'))"
                              ".map(a => a.href)")
        for href in hrefs:
            target, fragment = urldefrag(href)
            assert target.startswith(reader.root), (url, href)  # relative links only
            if fragment:
                anchors.append((target, fragment))
            if target.endswith(".html"):
                queue.append(target)
            else:
                assert resolves(page, target), (url, href)  # downloads
        name = url.removeprefix(reader.root).replace("/", "_").removesuffix(".html")
        if reader.root.startswith("file") and (name in ("index", "compare") or "tasks_" in name):
            shoot(page, request, name)
    assert len([u for u in seen if "/models/" in u]) == 5
    assert len([u for u in seen if "/tasks/" in u]) == 3
    assert len([u for u in seen if "/episodes/" in u]) == 6
    # one plot per (task, metric): 2 + 1 + 1; naming_game's dynamics; a profile per model card;
    # one trajectory per episode page
    assert images == 4 + 1 + 5 + 6
    for target, fragment in set(anchors):
        reader.page.goto(target, wait_until="load")
        assert reader.page.locator(f"[id='{fragment}']").count() == 1, (target, fragment)
    reader.problems.assert_none()


def column(page: Page, table: Any, index: int) -> list[str | None]:
    rows = table.locator("tbody tr")
    return [rows.nth(i).locator("th, td").nth(index).get_attribute("data-value")
            for i in range(rows.count())]


def test_sorting_sets_aria_sort_and_orders_rows(reader: Reader) -> None:
    page = reader.open(f"tasks/{slug('naming_game')}.html")
    table = page.locator("table.sortable").nth(1)  # the local runs
    header = table.get_by_role("columnheader", name="Consensus", exact=True)
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    values = column(page, table, 2)
    assert values == sorted(values, key=lambda v: float(v or 0))
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    assert column(page, table, 2) == sorted(values, key=lambda v: -float(v or 0))
    times = table.get_by_role("columnheader", name="Time to consensus (rounds)")
    times.click()
    assert header.get_attribute("aria-sort") is None  # only the sorted column says it is sorted
    assert column(page, table, 3) == ["812.5", "1500.0", "", ""]  # numeric order, nulls last
    models = table.get_by_role("columnheader", name="Model", exact=True)
    models.click()
    names = column(page, table, 0)
    assert names == sorted(n or "" for n in names)

    index = reader.open("index.html")
    overview = index.locator("table.sortable").first
    first = overview.get_by_role("columnheader", name="naming_game \u00b7 Consensus")
    first.click()
    first.click()
    assert first.get_attribute("aria-sort") == "descending"
    assert overview.locator("tbody tr").first.locator("th").text_content() == "openai/gpt-4o-mini"
    reader.problems.assert_none()


def test_hostile_name_is_text_and_runs_nothing(reader: Reader,
                                               request: pytest.FixtureRequest) -> None:
    for path in ("index.html", f"models/{slug(HOSTILE)}.html", "compare.html"):
        page = reader.open(path)
        page.wait_for_timeout(150)  # an injected alert would fire on load; give it a moment
        assert page.evaluate("window.__injected === undefined")
        assert page.locator("script:not([type])").count() == (2 if path == "compare.html" else 1)
    page = reader.open(f"models/{slug(HOSTILE)}.html")
    assert page.locator("h1").text_content() == HOSTILE
    if reader.root.startswith("file"):
        shoot(page, request, "hostile-model")
    compare = reader.open("compare.html")
    assert HOSTILE in compare.locator("#model-a").inner_text()
    reader.problems.assert_none()


def test_compare_matches_the_python_difference(reader: Reader) -> None:
    page = reader.open("compare.html")
    labels = page.locator("#model-a option").all_text_contents()
    page.select_option("#model-a", str(labels.index("openai/gpt-4o-mini \u00b7 2026.1")))
    page.select_option("#model-b", str(labels.index("reference/textbook \u00b7 2026.1")))
    row = page.locator("#compare tbody tr").first
    cells = row.locator("th, td").all_text_contents()
    expected = difference(Interval(0.9, 0.85, 0.95), Interval(0.7, 0.6, 0.8))
    assert expected is not None and expected.low is not None and expected.high is not None
    assert cells[:2] == ["naming_game", "Consensus"]
    assert cells[4] == f"0.20 [{expected.low:.2f}, {expected.high:.2f}]"
    assert cells[5] == "A better" and expected.distinguishable
    shown = float(row.locator("td").nth(3).get_attribute("data-value") or "nan")
    assert math.isclose(shown, expected.value)
    reader.problems.assert_none()


VERDICT_CASES = [  # (A, B, direction, metric): every branch of leaderboard.stats.verdict
    ((0.9, 0.85, 0.95), (0.7, 0.6, 0.8), "higher", "consensus"),
    ((0.9, 0.85, 0.95), (0.7, 0.6, 0.8), "lower", "consensus"),
    ((0.7, 0.62, 0.78), (0.55, 0.47, 0.63), "higher", "consensus"),  # overlap: tie
    ((0.6 + 1e-16,) * 3, (0.6, 0.6, 0.6), "higher", "consensus"),  # float noise: tie
    ((1.0, 1.0, 1.0), (0.2, 0.1, 0.3), "higher", "consensus"),  # zero width: tie
    ((0.8, 0.3 + 0.4 + 1e-15, 0.9), (0.5, 0.4, 0.7), "higher", "consensus"),  # touching: tie
    ((0.9, 0.85, 0.95), (0.7, 0.6, 0.8), "neutral", "polarization"),
    ((0.9, None, None), (0.1, 0.0, 0.2), "higher", "consensus"),
    ((None, None, None), (0.1, 0.0, 0.2), "higher", "consensus"),
    ((0.01, 0.01, 0.01), (0.6, 0.6, 0.6), "neutral", "collective_bias_pvalue"),
]


def test_compare_js_verdicts_match_python(reader: Reader) -> None:
    from collective_bench.leaderboard.stats import verdict

    templates = Path(__file__).parents[2] / "collective_bench" / "leaderboard" / "templates"
    source = (templates / "compare.js").read_text()
    logic = source[source.index("  var TOLERANCE"):source.index("  function cell(")]
    page = reader.open("compare.html")
    js = page.evaluate(
        "(cases) => { var Z = 1.959963984540054;\n" + logic + """
        return cases.map(function (c) {
          var a = ["t", c[3], "", "1"].concat(c[0], [c[2]]);
          var b = ["t", c[3], "", "1"].concat(c[1], [c[2]]);
          return verdict(isPvalue(a) ? null : difference(a, b), c[2], isPvalue(a));
        }); }""", [[list(a), list(b), d, m] for a, b, d, m in VERDICT_CASES])
    python = [verdict(Interval(*a), Interval(*b), d, m) for a, b, d, m in VERDICT_CASES]
    assert js == python
    assert set(python) == {"A better", "B better", "tie", "A higher", "not comparable",
                           "p-value (not compared)"}
    reader.problems.assert_none()


PAGES = ("index.html", "compare.html", f"tasks/{slug('naming_game')}.html",
         f"models/{slug('reference/textbook')}.html", f"models/{slug(HOSTILE)}.html")


@pytest.mark.parametrize("width", [400, 1400])
def test_no_horizontal_overflow_and_every_plot_present(browser: Browser, site_dir: Path,
                                                       width: int) -> None:
    tab = Reader(browser, site_dir.as_uri() + "/")
    tab.page.set_viewport_size({"width": width, "height": 900})
    episodes = sorted(p.relative_to(site_dir).as_posix()
                      for p in (site_dir / "episodes").glob("*.html"))
    try:
        for path in (*PAGES, *episodes[:2]):
            page = tab.open(path)
            widths = page.evaluate(LOAD_IMAGES)
            assert all(w > 0 for w in widths), (path, widths)
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, (path, width, overflow)
            if path.startswith(("tasks/", "episodes/", "models/")):
                assert widths, path  # dynamics, trajectory, profile
            if width == 1400 and path == "index.html":
                # every family table fits its container: nothing hidden behind a scrollbar
                hidden = page.evaluate("Array.from(document.querySelectorAll('.scroll'))"
                                       ".filter(d => d.scrollWidth > d.clientWidth).length")
                assert hidden == 0
        tab.problems.assert_none()
    finally:
        tab.page.close()


def test_episode_page_downloads_resolve(reader: Reader) -> None:
    page = reader.open(f"tasks/{slug('naming_game')}.html")
    page.locator("#dynamics details summary").first.click()
    page.locator("#dynamics details a").first.click()
    page.wait_for_load_state("load")
    assert "Episode ep000" in (page.locator("h1").text_content() or "")
    downloads = page.evaluate("Array.from(document.querySelectorAll('a[download]'))"
                              ".map(a => a.href)")
    assert downloads and all(resolves(page, href) for href in downloads)
    reader.problems.assert_none()


def test_compare_verdicts_are_the_python_verdicts(reader: Reader) -> None:
    """compare.js and leaderboard.paper.verdict (used by `cbench compare`) agree on every row."""
    page = reader.open("compare.html")
    labels = page.locator("#model-a option").all_text_contents()
    schema = load_schema().with_tasks(TASKS)
    checked = 0
    for a in range(len(labels)):
        page.select_option("#model-a", str(a))
        for b in range(len(labels)):
            page.select_option("#model-b", str(b))
            for row in page.locator("#compare tbody tr").all():
                cells = row.locator("th, td")
                values = [cells.nth(i).get_attribute("data-value") for i in (2, 3)]
                shown = cells.nth(5).text_content()
                if shown == "task versions differ" or None in values or "" in values:
                    continue
                metric = next(m for m in schema.metrics.values()
                              if m.display == cells.nth(1).text_content()) \
                    if any(m.display == cells.nth(1).text_content()
                           for m in schema.metrics.values()) else None
                direction = metric.direction if metric else "neutral"
                # the exact interval the page holds (its text is rounded for reading)
                cis = [json.loads(cells.nth(i).get_attribute("data-ci") or "[null, null]")
                       for i in (2, 3)]
                texts = [cells.nth(i).text_content() or "" for i in (2, 3)]
                intervals = [Interval(float(v or "nan"), ci[0], ci[1])
                             for v, ci in zip(values, cis, strict=True)]
                assert shown == verdict_of(difference(*intervals), direction), (
                    labels[a], labels[b], cells.nth(1).text_content(), direction, values, texts,
                    intervals)
                checked += 1
    assert checked >= 10


def _interval(value: float, text: str) -> Interval:
    if "[" not in text:
        return Interval(value, None, None)
    low, high = text.split("[", 1)[1].rstrip("]").split(",")
    return Interval(value, float(low), float(high))
