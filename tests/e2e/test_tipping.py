"""Bisection for a model's critical committed fraction, through real committed_minority runs."""

from __future__ import annotations

import collective_bench  # noqa: F401
from benchmarks.conventions.tipping import bisect_critical_fraction


def test_bisection_brackets_the_smallest_tipping_count(tmp_path):
    search = bisect_critical_fraction("reference/textbook", n_agents=12, episodes=1,
                                      max_rounds=25, log_dir=str(tmp_path))
    assert search.critical_count is not None
    assert search.critical_fraction == search.critical_count / 12
    # every probe at or above the answer tipped, every probe below did not
    for probe in search.probes:
        assert (probe["tipped_share"] >= 0.5) == (probe["committed"] >= search.critical_count)
    assert any(p["committed"] == search.critical_count - 1 for p in search.probes) or (
        search.critical_count == 1
    )


def test_random_players_never_tip(tmp_path):
    # a random player names the alternative half the time: never 95% of plays
    search = bisect_critical_fraction("reference/random", n_agents=8, episodes=1,
                                      max_rounds=10, log_dir=str(tmp_path))
    assert search.critical_count is None and search.critical_fraction is None
    assert len(search.probes) == 1 and search.probes[0]["committed"] == 4
