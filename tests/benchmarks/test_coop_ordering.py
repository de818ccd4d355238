"""Every cooperation task's headline orders the reference policies as the README says.

Plays each registered cooperation task (small sizes, fixed seeds) with every reference policy
the task offers, through the task's own Game and aggregate (the path a score takes), and checks
the README's ordering of the headline, and that the headline is defined in every episode.
"""

from __future__ import annotations

import math

import pytest

import collective_bench.benchmarks  # noqa: F401 - registers every task
from collective_bench.benchmarks.cooperation.reference_scores import PLAY, policy_scores
from collective_bench.registry import all_specs

SIZES = {
    "commons": {"episodes": 3}, "commons_talk": {"episodes": 2, "months": 6},
    "repeated_pd": {"episodes": 3}, "repeated_pd_partners": {"episodes": 3},
    "public_goods": {"episodes": 2, "group_sizes": "4", "rounds": 5},
    "public_goods_punish": {"episodes": 2, "group_sizes": "4", "rounds": 5},
    "donor_game": {"episodes": 3},
}
# (higher, lower) pairs, strict; and pairs stated equal. Mirrors README "Reference policies".
ORDER = {
    "commons": ([("textbook", "random"), ("textbook", "selfish")],
                [("random", "selfish"), ("textbook", "sustainable"), ("selfish", "greedy")]),
    "commons_talk": ([("textbook", "random"), ("textbook", "selfish")],
                     [("random", "selfish")]),
    "repeated_pd": ([("textbook", "random"), ("random", "selfish")],
                    [("textbook", "cooperate"), ("textbook", "grim_trigger")]),
    "repeated_pd_partners": ([("textbook", "cooperate"), ("textbook", "grim_trigger"),
                              ("textbook", "selfish"), ("cooperate", "selfish"),
                              ("grim_trigger", "random"), ("selfish", "random")], []),
    "public_goods": ([("textbook", "random"), ("random", "selfish")],
                     [("textbook", "cooperate")]),
    "public_goods_punish": ([("textbook", "random"), ("random", "selfish")],
                            [("textbook", "cooperate")]),
    "donor_game": ([("textbook", "random"), ("random", "selfish")], []),
}


def test_every_cooperation_task_is_covered():
    names = {e.name for e in all_specs() if e.family == "cooperation"}
    assert names == set(PLAY) == set(ORDER) == set(SIZES)


@pytest.mark.parametrize("task", sorted(PLAY))
def test_headline_orders_the_reference_policies_as_documented(task):
    scores = policy_scores(task, **SIZES[task])
    for name, (_, per_episode) in scores.items():
        assert not any(math.isnan(v) for v in per_episode), f"{task}: {name} headline undefined"
    strict, equal = ORDER[task]
    for high, low in strict:
        assert scores[high][0] > scores[low][0], (task, high, low, scores)
    for a, b in equal:
        assert scores[a][0] == pytest.approx(scores[b][0]), (task, a, b, scores)
