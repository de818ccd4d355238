"""The cooperation family's quick suite (`make run`) stays within 2,500 agent turns per model.

Counted with the direct driver and the textbook policies, which never end an episode early (the
commons survives), so this is the maximum over the reference models.
"""

from __future__ import annotations

import collective_bench.benchmarks  # noqa: F401 - registers every task
from collective_bench.benchmarks.cooperation import spec as coop_spec
from collective_bench.policies import resolve_policy
from collective_bench.registry import all_specs
from collective_bench.task_builder import build_task

BUDGET = 2500
MAKE = {
    "commons": coop_spec.make_commons, "commons_talk": coop_spec.make_commons,
    "repeated_pd": coop_spec.make_pd, "repeated_pd_partners": coop_spec.make_pd,
    "public_goods": coop_spec.make_pg, "public_goods_punish": coop_spec.make_pg,
    "donor_game": coop_spec.make_donor,
}


def turns(game, seed: int) -> int:
    """Agents asked in one episode (scripted partners are fixed actions, not turns)."""
    count = 0
    policy = resolve_policy(game.name, "textbook")
    state = game.initial_state(seed)
    while not game.is_over(state):
        acting = game.acting_agents(state)
        count += len(acting)
        actions = dict(game.fixed_actions(state))
        actions.update({a: policy(game.observe(state, a), None) for a in acting})
        state = game.step(state, actions).state
    return count


def test_every_cooperation_task_is_counted_and_the_family_fits_the_budget():
    entries = [e for e in all_specs() if e.family == "cooperation"]
    assert {e.name for e in entries} == set(MAKE)
    total = 0
    for entry in entries:
        task = build_task(entry, preset="quick")
        for sample in task.dataset:
            game = MAKE[entry.name](dict(sample.metadata["params"]))
            total += turns(game, int(sample.metadata["seed"]))
    assert total == 1624
    assert total <= BUDGET
