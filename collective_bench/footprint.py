"""What a run can take before it starts: a bound on its calls, and the memory an episode keeps.

Both come from the protocol alone: each Game states `max_decisions` (the most moves its rules
can ask of agents in one episode, whatever they play) and each adapter its re-ask cap, so
`cbench estimate` can give a true upper bound on calls and the population bound can say what a
larger population would cost, before any work. Memory per call and per agent are measured by
`perf/episode_memory.py` (a fit over runs of the naming game's concurrent schedule with the
reference random policy); they are estimates of a peak, not bounds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from collective_bench.spec import TaskSpec

POPULATION = "n_agents"
"""The parameter whose declared upper bound is the population bound (`--max-agents` raises it)."""

BYTES_PER_CALL = {"full": 31_000, "compact": 400}
"""Memory an episode keeps per model call until its log is written: a full transcript holds
each call's messages as an inspect event; a compact one only the move (perf/episode_memory.py)."""

BYTES_PER_AGENT = 10_000
"""Memory per agent of an episode's state and prompts (perf/episode_memory.py)."""


def episode_params(spec: TaskSpec, resolved: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The Game parameters of every episode these task parameters play."""
    from collective_bench.task_builder import samples

    return [dict((sample.metadata or {})["params"]) for sample in samples(spec, resolved)]


def max_calls(spec: TaskSpec, resolved: Mapping[str, Any]) -> int:
    """The most model calls the task can make: every possible move asked, and re-asked up to
    the adapter's cap."""
    decisions = sum(spec.make_game(p).max_decisions() for p in episode_params(spec, resolved))
    return decisions * (1 + spec.adapter.max_reasks)


def episode_bytes(spec: TaskSpec, params: Mapping[str, Any], transcript: str) -> int:
    """Estimated peak memory of one episode with these Game parameters."""
    game = spec.make_game(dict(params))
    agents = int(params.get(POPULATION) or 0)
    return game.max_decisions() * BYTES_PER_CALL[transcript] + agents * BYTES_PER_AGENT


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000:
            return f"{n:.1f} {unit}" if n < 10 and unit != "B" else f"{n:.0f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def population_error(spec: TaskSpec, resolved: Mapping[str, Any], bound: int) -> str:
    """The one line refusing a population above the bound: what it would cost and the flag."""
    n = resolved[POPULATION]
    episodes = episode_params(spec, resolved)
    largest = max(episodes, key=lambda p: spec.make_game(p).max_decisions())
    full, compact = (human_bytes(episode_bytes(spec, largest, mode))
                     for mode in ("full", "compact"))
    return (f"{POPULATION}={n} is above task {spec.name}'s population bound of {bound}: one "
            f"episode would keep about {full} in memory ({compact} with --transcript compact); "
            f"pass --max-agents {n} (-T max_agents={n} under inspect eval) to run it anyway")
