"""Synthetic results-schema rows for the leaderboard tests (no eval logs, no task family)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from collective_bench.leaderboard.releases import Release
from collective_bench.leaderboard.schema import MetricInfo, TaskInfo
from collective_bench.results_schema import ResultRow

HOSTILE = "<script>alert(1)</script>"
RELEASE = Release("2026.1", "2026.1", "1.0.0", "2026-01-15", "First frozen release.")
RELEASES = {"2026.1": RELEASE}
TASKS = (
    TaskInfo("naming_game", "conventions", "1", "consensus", ("consensus", "time_to_consensus"),
             "Agents in random pairs name one of W labels; does a convention emerge?",
             (MetricInfo("consensus", "Consensus", "higher", "rate", "convergence"),
              MetricInfo("time_to_consensus", "Time to consensus (rounds)", "lower", "count",
                         "convergence"),
              MetricInfo("collective_bias", "Collective bias", "neutral", "number", "bias"),
              MetricInfo("polarization", "Polarization", "lower", "number", "opinions"),
              MetricInfo("survival_rate", "Commons survival", "higher", "rate", "commons"),
              MetricInfo("conformity_rate", "Conformity", "lower", "rate", "social pressure"),
              MetricInfo("invalid_rate", "Invalid moves", "lower", "rate", "reliability")),
             default_protocol="naming_game-default"),
    TaskInfo("public_goods", "cooperation", "1", "cooperation", ("cooperation",),
             "A repeated public goods game.", default_protocol="public_goods-default"),
)

RowFactory = Callable[..., ResultRow]


def make_row(model: str = "reference/textbook", metric: str = "consensus",
             value: float | None = 0.73, **overrides: Any) -> ResultRow:
    """A valid row; the run-level fields derive from model and task so rows of a run agree."""
    task = overrides.get("task", "naming_game")
    release = overrides.pop("release", "local")
    low = None if value is None else round(max(value - 0.12, 0.0), 6)
    fields: dict[str, Any] = dict(
        model=model, task=task, task_version="1", family="conventions", metric=metric,
        value=value, ci_low=low, ci_high=None if value is None else round(value + 0.12, 6),
        n_episodes=0 if value is None else 40, episodes=50, seed=7, invalid_rate=0.02,
        input_tokens=120_000, output_tokens=3_400, cost_usd=0.0123, harness_version="0.1.0",
        git_commit="0123456789abcdef0123456789abcdef01234567", created="2025-01-02T03:04:05+00:00",
        log=f"{release}/{task}/{model.replace('/', '_')}.eval",
        log_sha256="f" * 64, model_roles={}, protocol=f"{task}-default",
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


def release_rows() -> list[ResultRow]:
    """A published release beside local runs, with one run superseded by a newer log."""
    old = dict(release="2026.1", created="2026-01-10T00:00:00+00:00",
               log="2026.1/naming_game/old.eval", log_sha256="a" * 64)
    new = dict(release="2026.1", created="2026-01-12T00:00:00+00:00",
               log="2026.1/naming_game/new.eval", log_sha256="b" * 64)
    return [
        *sample_rows(),
        make_row("openai/gpt-4o-mini", "consensus", 0.30, **old),
        make_row("openai/gpt-4o-mini", "consensus", 0.90, ci_low=0.85, ci_high=0.95, **new),
        make_row("reference/textbook", "consensus", 0.70, ci_low=0.60, ci_high=0.80,
                 release="2026.1"),
        make_row("reference/random", "consensus", 0.10, ci_low=0.05, ci_high=0.20,
                 release="2026.1"),
        make_row("reference/selfish", "survival_rate", 0.2, ci_low=0.1, ci_high=0.3,
                 task="commons", family="cooperation", release="2026.1"),
    ]


def naming_steps(rounds: int, converge_at: int) -> list[dict[str, Any]]:
    """Four agents: round r < converge_at names [0, 1, 0, 2], afterwards all 0."""
    return [{"round": r, "act": [0, 1, 0, 2] if r < converge_at else [0, 0, 0, 0]}
            for r in range(1, rounds + 1)]


def sample_episodes() -> list[Any]:
    """Episodes for the local naming_game runs of `sample_rows` (tied by log path and model)."""
    from collective_bench.leaderboard.episodes import make_episode

    out = []
    for model, finish in (("reference/random", (6, 6)), ("reference/textbook", (3, 5)),
                          (HOSTILE, (4, 4))):
        log = make_row(model).log
        for number, converge in enumerate(finish):
            steps = naming_steps(converge + 1 if model != "reference/random" else 6, converge)
            out.append(make_episode(
                log, "naming_game", model, f"ep{number:03d}",
                {"seed": 1000 + number, "params": {"n_agents": 4, "n_labels": 10,
                                                   "topology": "well_mixed"}},
                {"summary": {"n_agents": 4, "n_labels": 10, "labels": ["a", "b", "c"]},
                 "steps": steps}, {"consensus": 1.0, "time_to_consensus": float(converge)}))
    return out
