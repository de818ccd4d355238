"""Dynamics plots and per-episode pages, from synthetic episodes (no eval logs needed)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from collective_bench.leaderboard.build import render_site
from collective_bench.leaderboard.dynamics import band
from collective_bench.leaderboard.episode_pages import number_text
from collective_bench.scorers.dynamics import SPECS

from .samples import HOSTILE, RELEASES, TASKS, make_row, sample_episodes, sample_rows

NAMING = SPECS["naming_game"]


def test_band_holds_short_episodes_and_takes_quartiles() -> None:
    got = band(NAMING, [{}, {}, {}], [[0.2, 0.4], [0.2, 0.6, 1.0], [0.5, math.nan, 0.8]])
    assert got is not None and got.episodes == 3
    assert got.x == (1.0, 2.0, 3.0)
    assert got.median == pytest.approx((0.2, 0.5, 0.8))  # [.4 held], nan left out at x=2
    assert got.low == pytest.approx((0.2, 0.45, 0.6))  # numpy's linear percentiles
    assert got.high == pytest.approx((0.35, 0.55, 0.9))
    assert band(NAMING, [{}], [[]]) is None


def test_categorical_axes_are_never_padded() -> None:
    spec = SPECS["conformity"]
    got = band(spec, [{"ks": [1, 3, 5]}, {"ks": [1, 3, 5]}], [[0.0, 1.0, 0.5], [1.0]])
    assert got is not None
    assert got.x == (1.0, 3.0, 5.0)
    assert got.median == pytest.approx((0.5, 1.0, 0.5))


@pytest.fixture(name="site", scope="module")
def site_fixture(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes | Path]:
    logs = tmp_path_factory.mktemp("logs")
    log = logs / "random.eval"
    log.write_bytes(b"PK-not-really-a-log" * 10)
    big = logs / "textbook.eval"
    big.write_bytes(b"x" * 900)  # 190 + 900 bytes > the 1,000-byte budget
    return render_site(sample_rows(), RELEASES, TASKS, episodes=sample_episodes(),
                       log_files={make_row("reference/random").log: log,
                                  make_row("reference/textbook").log: big}, log_budget=1000)


def _text(site: dict[str, bytes | Path], name: str) -> str:
    content = site[name]
    assert isinstance(content, bytes)
    return content.decode("utf-8")


def test_task_page_shows_the_dynamics_of_each_run(site: dict[str, bytes | Path]) -> None:
    page = next(n for n in site if n.startswith("tasks/naming-game"))
    html = _text(site, page)
    plots = re.findall(r'<img src="\.\./(plots/dynamics/[^"]+\.svg)"', html)
    assert len(plots) == 1 and plots[0] in site
    svg = _text(site, plots[0])
    for label in ("reference/random", "reference/textbook", "majority-label share",
                  "labels in use"):
        assert label in svg
    assert HOSTILE not in svg and "&lt;script&gt;" in svg  # a model name is escaped text
    episodes = re.findall(r'href="\.\./(episodes/[^"]+\.html)"', html)
    assert len(episodes) == 6 and all(e in site for e in episodes)


def test_plot_text_is_at_least_10px_at_phone_width(site: dict[str, bytes | Path]) -> None:
    names = [n for n in site if n.startswith("plots/") and n.endswith(".svg")]
    assert {n.split("/")[1] for n in names} >= {"dynamics", "episodes"}
    for name in names:
        svg = _text(site, name)
        width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))  # type: ignore[union-attr]
        sizes = [float(s) for s in re.findall(r"font(?:-size)?:\s*([\d.]+)px", svg)]
        sizes += [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
        sizes += [float(s) for s in re.findall(r"font: (?:[\w ]*?)([\d.]+)px", svg)]
        assert sizes, name
        assert min(sizes) * 400 / width >= 10, (name, min(sizes), width)


def test_episode_page_has_seed_protocol_plot_and_downloads(
        site: dict[str, bytes | Path]) -> None:
    pages = sorted(n for n in site if n.startswith("episodes/"))
    assert len(pages) == 6
    random_pages = [p for p in pages if "reference/random" in _text(site, p)]
    html = _text(site, random_pages[0])
    assert "<code>1000</code>" in html and "well_mixed" in html
    plot = re.search(r'<img src="\.\./(plots/episodes/[^"]+)"', html).group(1)  # type: ignore[union-attr]
    assert plot in site
    export = re.search(r'href="\.\./(downloads/episodes/[^"]+\.json)"', html).group(1)  # type: ignore[union-attr]
    data = json.loads(_text(site, export))
    assert data["seed"] == 1000 and len(data["steps"]) == 6
    assert data["series"]["majority_share"] == [0.5] * 5 + [1.0]
    log = re.search(r'href="\.\./(downloads/logs/[^"]+\.eval)"', html).group(1)  # type: ignore[union-attr]
    assert isinstance(site[log], Path)
    assert "time_to_consensus</th><td class=\"num\">6</td>" in html  # whole numbers as such
    textbook = next(p for p in pages if "reference/textbook" in _text(site, p))
    assert "log budget is spent" in _text(site, textbook)
    hostile = next(p for p in pages if "&lt;script&gt;" in _text(site, p))
    assert "not available where the site was built" in _text(site, hostile)
    assert sum(1 for n in site if n.startswith("downloads/logs/")) == 1


def test_model_card_links_its_episodes(site: dict[str, bytes | Path]) -> None:
    card = next(n for n in site if n.startswith("models/reference-textbook"))
    links = re.findall(r'href="\.\./(episodes/[^"]+)"', _text(site, card))
    assert len(links) == 2 and all(link in site for link in links)


def test_output_is_deterministic() -> None:
    first = render_site(sample_rows(), RELEASES, TASKS, episodes=sample_episodes())
    second = render_site(sample_rows()[::-1], RELEASES, TASKS, episodes=sample_episodes()[::-1])
    assert first == second


def test_number_text() -> None:
    assert number_text(25.0) == "25"
    assert number_text(0.08333) == "0.08"
    assert number_text(None) == "\u2014"


def test_never_reached_values_say_what_the_data_says() -> None:
    from collective_bench.leaderboard.censoring import Censoring
    from collective_bench.leaderboard.episode_pages import censored_texts
    from collective_bench.leaderboard.episodes import make_episode
    from collective_bench.leaderboard.view import score_cell

    def episode(fraction: float, tipped: float, played: float) -> object:
        return make_episode("r/cm.eval", "committed_minority", "m", f"ep{fraction}",
                            {"seed": 1}, {"summary": {"committed_fraction": fraction},
                                          "steps": []},
                            {"tipped": tipped, "time_to_tip": None, "rounds_played": played})

    got = censored_texts([episode(0.0833, 0.0, 25.0), episode(0.375, 0.0, 20.0)])  # type: ignore[list-item]
    assert got == {("r/cm.eval", "time_to_tip"): "> 25 rounds",
                   ("r/cm.eval", "critical_fraction"): "> 0.38"}
    row = make_row("m", "critical_fraction", None, log="r/cm.eval")
    cell = Censoring(got).cell(score_cell(row), None, row)
    assert cell.text == "> 0.38" and "never reached" in cell.title
    defined = make_row("m", "critical_fraction", 0.3, log="r/cm.eval")
    assert Censoring(got).cell(score_cell(defined), None, defined).text == "0.30 [0.18, 0.42]"
