"""The Game protocol: the rules of one task, pure Python, no I/O and no model calls.

A Game is deterministic given its parameters and the episode seed. Both drivers (inspect for the
benchmark, direct for calibration at scale) run the same Game object, so a rule lives in one
place. Actions are plain JSON values; ``None`` stands for an invalid answer, which the Game must
accept and treat by its own rules (it is never replaced by a made-up action).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

Action = Any
"""A JSON-serialisable action (a label, a number, a dict); ``None`` means invalid."""

S = TypeVar("S")


@dataclass
class StepResult(Generic[S]):
    """What one simultaneous step produced: the new state and a compact, JSON-able record."""

    state: S
    record: dict[str, Any]


class Game(Protocol[S]):
    """Rules of a task. Implementations are frozen dataclasses holding the parameters."""

    @property
    def name(self) -> str:
        """The task name (read-only, so a frozen dataclass field satisfies it)."""
        ...

    def initial_state(self, seed: int) -> S:
        """The state at the start of an episode."""
        ...

    def acting_agents(self, state: S) -> list[int]:
        """Agents whose action is needed this step (asked of a model or a policy)."""
        ...

    def fixed_actions(self, state: S) -> dict[int, Action]:
        """Actions the rules fix this step (e.g. committed agents); no model is asked."""
        ...

    def observe(self, state: S, agent: int) -> dict[str, Any]:
        """What `agent` knows now, as a plain dict; bounded in size whatever the round."""
        ...

    def step(self, state: S, actions: dict[int, Action]) -> StepResult[S]:
        """Apply simultaneous actions (None for an invalid answer)."""
        ...

    def max_decisions(self) -> int:
        """An upper bound, from the parameters alone, on the moves asked of agents in one
        episode (the sum of `acting_agents` over its steps, whatever anyone plays). It is what
        `cbench estimate`'s call bound and the population bound's memory figure are made of."""
        ...

    def is_over(self, state: S) -> bool:
        """True once the episode has ended (a stopping rule or the round cap)."""
        ...

    def summary(self, state: S) -> dict[str, Any]:
        """Per-episode facts the scorer needs beyond the step records (pool, sizes, ...)."""
        ...


@dataclass
class Trajectory:
    """The compact record of one episode, as the scorer reads it."""

    summary: dict[str, Any] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)
