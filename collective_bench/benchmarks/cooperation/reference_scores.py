"""The reference policies' scores on every cooperation task, through the tasks' own Games and
aggregates (direct driver, no inspect): the figures behind the README's "Reference policies"
table and the ordering test. `python -m benchmarks.cooperation.reference_scores` prints them at
the quick-suite sizes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from collective_bench.benchmarks.cooperation import spec as coop_spec
from collective_bench.driver_direct import run_direct
from collective_bench.policies import Policy, resolve_policy, task_policies
from collective_bench.registry import get_spec
from collective_bench.task_builder import build_task

PLAY = tuple(s.name for s in (
    coop_spec.COMMONS, coop_spec.COMMONS_TALK, coop_spec.REPEATED_PD,
    coop_spec.REPEATED_PD_PARTNERS, coop_spec.PUBLIC_GOODS, coop_spec.PUBLIC_GOODS_PUNISH,
    coop_spec.DONOR_GAME))
"""The cooperation tasks, in the order the README lists them."""


def _everyone(policy: Policy) -> Callable[[int], Policy]:
    """Every agent plays `policy`."""
    return lambda _agent: policy


def policy_scores(task: str, **args: Any) -> dict[str, tuple[float, list[float]]]:
    """policy -> (aggregated headline, the headline of each episode) for `task` built with
    `args` (every reference policy the task offers)."""
    entry = get_spec(task)
    make, episode_metrics = entry.make_game, entry.episode_metrics
    samples = [dict(s.metadata or {}) for s in build_task(entry, **args).dataset]
    first = make(dict(samples[0]["params"]))
    out = {}
    for name in task_policies(first.name).policies:
        episodes = []
        for sample in samples:
            game = make(dict(sample["params"]))
            policy = resolve_policy(game.name, name)
            traj = run_direct(game, int(sample["seed"]), _everyone(policy))
            episodes.append(episode_metrics(traj.summary, traj.steps, 1, 0))
        value = entry.aggregate(episodes)[entry.headline].value
        out[name] = (value, [e[entry.headline] for e in episodes])
    return out


def main() -> None:
    import collective_bench.benchmarks  # noqa: F401 - registers every task

    for task in PLAY:
        entry = get_spec(task)
        scores = policy_scores(task, **entry.presets["quick"])
        cells = ", ".join(f"{name} {value:.3f}" + (" (undefined in some episodes)" if any(
            math.isnan(v) for v in per) else "") for name, (value, per) in scores.items())
        print(f"{task} {entry.headline}: {cells}")


if __name__ == "__main__":
    main()
