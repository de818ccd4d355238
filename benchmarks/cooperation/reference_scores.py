"""The reference policies' scores on every cooperation task, through the tasks' own Games and
aggregates (direct driver, no inspect): the figures behind the README's "Reference policies"
table and the ordering test. `python -m benchmarks.cooperation.reference_scores` prints them at
the quick-suite sizes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from benchmarks.cooperation import tasks as coop_tasks
from benchmarks.registry import get_task
from collective_bench.driver_direct import run_direct
from collective_bench.policies import Policy, resolve_policy, task_policies
from scorers.cooperation import commons_episode_metrics
from scorers.cooperation_donor import donor_episode_metrics
from scorers.cooperation_pd import pd_episode_metrics
from scorers.cooperation_pg import pg_episode_metrics

EpisodeMetrics = Callable[[Mapping[str, Any], Sequence[Mapping[str, Any]], int, int],
                          dict[str, float]]
PLAY: dict[str, tuple[Callable[[dict[str, Any]], Any], EpisodeMetrics]] = {
    "commons": (coop_tasks._make_commons, commons_episode_metrics),
    "commons_talk": (coop_tasks._make_commons, commons_episode_metrics),
    "repeated_pd": (coop_tasks._make_pd, pd_episode_metrics),
    "repeated_pd_partners": (coop_tasks._make_pd, pd_episode_metrics),
    "public_goods": (coop_tasks._make_pg, pg_episode_metrics),
    "public_goods_punish": (coop_tasks._make_pg, pg_episode_metrics),
    "donor_game": (coop_tasks._make_donor, donor_episode_metrics),
}


def _everyone(policy: Policy) -> Callable[[int], Policy]:
    """Every agent plays `policy`."""
    return lambda _agent: policy


def policy_scores(task: str, **args: Any) -> dict[str, tuple[float, list[float]]]:
    """policy -> (aggregated headline, the headline of each episode) for `task` built with
    `args` (every reference policy the task offers)."""
    entry = get_task(task)
    make, episode_metrics = PLAY[task]
    samples = [dict(s.metadata or {}) for s in entry.build(**args).dataset]
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
    import benchmarks  # noqa: F401 - registers every task

    for task in PLAY:
        entry = get_task(task)
        scores = policy_scores(task, **entry.suite_args)
        cells = ", ".join(f"{name} {value:.3f}" + (" (undefined in some episodes)" if any(
            math.isnan(v) for v in per) else "") for name, (value, per) in scores.items())
        print(f"{task} {entry.headline}: {cells}")


if __name__ == "__main__":
    main()
