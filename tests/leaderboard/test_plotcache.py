"""Plots drawn once: episode groups split from one drawing, and rebuilds reusing unchanged plots."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: N817
from pathlib import Path

from collective_bench.leaderboard.build import build_site, render_site
from collective_bench.leaderboard.dynamics import EPISODE_GID, SVG_NS, episode_svgs
from collective_bench.leaderboard.plotcache import INDEX, PlotCache
from collective_bench.scorers.dynamics import SPECS

from .samples import RELEASES, TASKS, make_row, release_rows, sample_episodes

NAMING = SPECS["naming_game"]
SVG = SVG_NS


def _lines(svg: bytes) -> dict[str, int]:
    """Episode line group id -> how many drawn elements (paths, marker uses) it holds."""
    out = {}
    for group in ET.fromstring(svg).iter(f"{{{SVG}}}g"):
        gid = group.get("id", "")
        if gid.startswith(EPISODE_GID):
            out[gid] = sum(1 for e in group.iter() if e.tag in (f"{{{SVG}}}path", f"{{{SVG}}}use")
                           and not _in_defs(group, e))
    return out


def _in_defs(group: ET.Element, element: ET.Element) -> bool:
    return any(element in list(d.iter()) for d in group.iter(f"{{{SVG}}}defs"))


def test_each_episode_plot_keeps_only_its_own_line() -> None:
    series = [{"majority_share": (0.25, 0.5, 1.0), "labels_in_use": (3.0, 2.0, 1.0)},
              {"majority_share": (0.5, 0.75), "labels_in_use": (2.0, 1.0)},
              {"majority_share": (0.5,), "labels_in_use": (4.0,)}]
    svgs = episode_svgs(NAMING, {}, [(s, {}) for s in series])
    assert len(svgs) == 3
    for i, svg in enumerate(svgs):
        drawn = _lines(svg)
        # two panels: each episode has a line group per panel; only its own are non-empty
        assert sorted(drawn) == sorted(f"{EPISODE_GID}{j}-{k}" for j in range(3) for k in (0, 1))
        assert sorted(gid for gid, n in drawn.items() if n) == [
            f"{EPISODE_GID}{i}-0", f"{EPISODE_GID}{i}-1"]
        assert svg.startswith(b"<?xml") and b"this episode" in svg
    assert len(set(svgs)) == 3


def test_rebuild_reuses_every_unchanged_plot(tmp_path: Path) -> None:
    out = tmp_path / "site"
    episodes = sample_episodes()
    build_site(release_rows(), out, RELEASES, TASKS, episodes=episodes)
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
              if p.is_file()}
    plots = [name for name in before if name.startswith("plots/")]
    assert INDEX in before and len(plots) > 10

    cache = PlotCache(out)
    files = render_site(release_rows(), RELEASES, TASKS, episodes=episodes, plots=cache)
    assert cache.drawn == 0 and cache.reused > 0
    for name in plots:  # reused: the previous file, byte for byte
        content = files[name]
        assert (content.read_bytes() if isinstance(content, Path) else content) == before[name]

    # one new score: only the plots that show it are drawn again
    changed = [*release_rows(), make_row("reference/selfish", "consensus", 0.4)]
    cache = PlotCache(out)
    render_site(changed, RELEASES, TASKS, episodes=episodes, plots=cache)
    assert 1 <= cache.drawn <= 3  # the consensus plot and the new model's profile


def test_a_directory_the_builder_did_not_write_is_never_read(tmp_path: Path) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / INDEX).write_text('{"plots/a.svg": "k"}')
    (foreign / "plots").mkdir()
    (foreign / "plots" / "a.svg").write_text("<svg/>")
    assert PlotCache(foreign).old == {}
