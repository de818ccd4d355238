"""The direct driver: the same Game, scripted policies called in-process, no inspect.

For calibration and scale (thousands of agents, many seeds), where an LLM call per move would be
pointless. Policies receive exactly the observation a model would see in its prompt block.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from collective_bench.game import Action, Game, Trajectory
from collective_bench.policies import Policy
from collective_bench.seeds import rng_for


def run_direct(
    game: Game[Any],
    seed: int,
    policy_for: Callable[[int], Policy],
    on_step: Callable[[Any, dict[str, Any]], None] | None = None,
    keep_steps: bool = True,
) -> Trajectory:
    """Play one episode; `policy_for(agent)` gives each agent's policy.

    `on_step(state, record)` lets a caller track quantities over time without keeping every
    record (``keep_steps=False``), which is what makes runs of 10^5+ steps cheap in memory.
    """
    rng = rng_for("direct", seed)
    state = game.initial_state(seed)
    steps: list[dict[str, Any]] = []
    while not game.is_over(state):
        actions: dict[int, Action] = dict(game.fixed_actions(state))
        for agent in game.acting_agents(state):
            actions[agent] = policy_for(agent)(game.observe(state, agent), rng)
        result = game.step(state, actions)
        state = result.state
        if on_step is not None:
            on_step(state, result.record)
        if keep_steps:
            steps.append(result.record)
    return Trajectory(summary=game.summary(state), steps=steps)
