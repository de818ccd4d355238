"""Prompt tokens per decision on the cooperation tasks, and the share a provider can cache.

Plays one small episode of each cooperation task with the textbook policies (direct, no model)
and renders every prompt as the driver sends it: the system message (the rules, identical for
every agent and step of an episode, hence a cacheable prefix) and the user message. Prints, per
task, mean tokens per decision (o200k_base) and the system prompt's share of them. Run it on an
older checkout too to compare (it only needs each task's Game and adapter).

    .venv/bin/python perf/coop_prompt_tokens.py
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np

import collective_bench.benchmarks  # noqa: F401 - registers every task
from collective_bench.benchmarks.cooperation import adapter as coop_adapter
from collective_bench.benchmarks.cooperation import spec as coop_spec
from collective_bench.policies import resolve_policy
from collective_bench.reference.provider import count_tokens
from collective_bench.registry import get_spec
from collective_bench.task_builder import build_task

TASKS: dict[str, tuple[Any, Any, dict[str, Any]]] = {
    "commons": (coop_spec.make_commons, coop_adapter.COMMONS_ADAPTER, {"months": 6}),
    "commons_talk": (coop_spec.make_commons, coop_adapter.COMMONS_ADAPTER, {"months": 6}),
    "repeated_pd": (coop_spec.make_pd, coop_adapter.PD_ADAPTER, {}),
    "repeated_pd_partners": (coop_spec.make_pd, coop_adapter.PD_ADAPTER, {}),
    "public_goods": (coop_spec.make_pg, coop_adapter.PG_ADAPTER, {"group_sizes": "4"}),
    "public_goods_punish": (coop_spec.make_pg, coop_adapter.PG_ADAPTER, {"group_sizes": "4"}),
    "donor_game": (coop_spec.make_donor, coop_adapter.DONOR_ADAPTER, {}),
}


def system_of(adapter: Any, obs: dict[str, Any]) -> str:
    render = getattr(adapter, "system_text", None)
    return render(obs) if render else str(adapter.system_prompt)


def main() -> None:
    for task, (make, adapter, args) in TASKS.items():
        sample = build_task(get_spec(task), episodes=1, **args).dataset[0]
        meta = dict(sample.metadata or {})
        game = make(dict(meta["params"]))
        policy = resolve_policy(game.name, "textbook")
        state = game.initial_state(int(meta["seed"]))
        rng = random.Random(0)
        system_tokens, user_tokens = [], []
        while not game.is_over(state):
            actions = dict(game.fixed_actions(state))
            for agent in game.acting_agents(state):
                obs = game.observe(state, agent)
                system_tokens.append(count_tokens(system_of(adapter, obs)))
                user_tokens.append(count_tokens(adapter.render(obs)))
                actions[agent] = policy(obs, rng)
            state = game.step(state, actions).state
        total = np.add(system_tokens, user_tokens)
        print(f"{task:22s} {total.mean():6.1f} tokens/decision, system prompt "
              f"{np.mean(system_tokens) / total.mean():.0%} (cacheable prefix), "
              f"{len(total)} decisions")


if __name__ == "__main__":
    main()
