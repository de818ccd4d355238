"""Bisection for a model's critical committed fraction, through real committed_minority runs."""

from __future__ import annotations

import collective_bench  # noqa: F401
from collective_bench.benchmarks.conventions.tipping import bisect_critical_fraction
from collective_bench.scorers.conventions import critical_fraction_of


def test_bisection_brackets_the_smallest_tipping_count(tmp_path):
    search = bisect_critical_fraction("reference/textbook", n_agents=8, episodes=1,
                                      max_rounds=20, log_dir=str(tmp_path))
    assert search.critical_count is not None
    assert search.critical_fraction == search.critical_count / 8
    # the same definition as the committed_minority headline, over the probes' episodes
    shares = {p["fraction"]: p["tipped_share"] for p in search.probes}
    assert search.critical_fraction == critical_fraction_of(list(shares), list(shares.values()))
    # every probe at or above the answer tipped, every probe below did not
    for probe in search.probes:
        assert (probe["tipped_share"] >= 0.5) == (probe["committed"] >= search.critical_count)
    assert any(p["committed"] == search.critical_count - 1 for p in search.probes) or (
        search.critical_count == 1
    )


def test_random_players_never_tip(tmp_path):
    # a random player names the alternative half the time: never 95% of plays
    search = bisect_critical_fraction("reference/random", n_agents=8, episodes=1,
                                      max_rounds=6, log_dir=str(tmp_path))
    assert search.critical_count is None and search.critical_fraction is None
    # the largest probe is the task grid's largest fraction, 0.7 of 8 = 5 agents
    assert len(search.probes) == 1 and search.probes[0]["committed"] == 5
