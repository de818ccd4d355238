"""Synthetic results-schema rows for the leaderboard tests (no eval logs needed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from collective_bench.results_schema import ResultRow

HOSTILE = "<script>alert(1)</script>"

RowFactory = Callable[..., ResultRow]


def make_row(model: str = "reference/textbook", metric: str = "consensus",
             value: float | None = 0.73, **overrides: Any) -> ResultRow:
    """A valid row; the run-level fields derive from model and task so rows of a run agree."""
    task = overrides.get("task", "naming_game")
    fields: dict[str, Any] = dict(
        model=model, task=task, task_version="1", family="conventions", metric=metric,
        value=value,
        ci_low=None if value is None else round(value - 0.12, 6),
        ci_high=None if value is None else round(value + 0.12, 6),
        n_episodes=0 if value is None else 40, episodes=50, seed=7, invalid_rate=0.02,
        input_tokens=120_000, output_tokens=3_400, cost_usd=0.0123, harness_version="0.1.0",
        git_commit="0123456789abcdef0123456789abcdef01234567", created="2025-01-02T03:04:05+00:00",
        log=f"local/{task}/{model.replace('/', '_')}.eval",
        log_sha256="f" * 64, model_roles={},
    )
    fields.update(overrides)
    return ResultRow(**fields)


def sample_rows() -> list[ResultRow]:
    """Two tasks, baselines, an LLM with background roles, nulls, and a hostile model name."""
    roles = {"background": "reference/textbook", "adversary": "reference/random"}
    return [
        make_row("reference/random", "consensus", 0.11),
        make_row("reference/random", "time_to_consensus", None),
        make_row("reference/textbook", "consensus", 0.73, ci_low=0.61, ci_high=0.85,
                 cost_usd=None),
        make_row("reference/textbook", "time_to_consensus", 812.5, cost_usd=None),
        make_row("openai/gpt-4o-mini", "consensus", 0.42, cost_usd=1.5, model_roles=roles),
        make_row("openai/gpt-4o-mini", "time_to_consensus", 1500.0, cost_usd=1.5,
                 model_roles=dict(roles)),
        make_row(HOSTILE, "consensus", 0.5, git_commit=None, seed=None, invalid_rate=None),
        make_row("reference/selfish", "cooperation", 0.004, task="public_goods",
                 family="cooperation"),
        make_row("openai/gpt-4o-mini", "cooperation", 0.66, task="public_goods",
                 family="cooperation"),
    ]
