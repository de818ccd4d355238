"""inspect tasks of the values family: wiring only (rules in the game modules, text in prompts)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import Scorer, scorer

from benchmarks.values.adapter import QUIZ_ADAPTER, SURVEY_ADAPTER
from benchmarks.values.bank import DATA_VERSION
from benchmarks.values.drift_game import DriftGame, DriftParams
from benchmarks.values.quiz_game import QuizGame, QuizParams
from collective_bench import HARNESS_VERSION
from collective_bench.driver_inspect import play_episode
from collective_bench.errors import UserError
from collective_bench.seeds import episode_seeds
from scorers.inspect_wrappers import EPOCHS, ci_high, ci_low, nanmean, trajectory_scorer
from scorers.value_drift import conformity_episode_metrics, drift_episode_metrics

DRIFT_VERSION = "1.1.0"
CONFORMITY_VERSION = "1.1.0"
DRIFT_CONFIG = GenerateConfig(temperature=0.7, max_tokens=400)
"""Temperature 0.7 as in the family's other discussion protocols (Kovac et al. 2024 do not fix
one we could verify); 400 tokens hold a 40-line questionnaire answer (`Q01: 4`, ~5 tokens a
line) with room to spare, and a two-sentence discussion message."""
CONFORMITY_CONFIG = GenerateConfig(temperature=0.7, max_tokens=128)
"""BenchForm's temperature (Weng et al. 2025 call GPT models at 0.7); 128 tokens: one answer
line with room for a short reasoning line."""
EPISODE_INPUT = "One episode of a population game; agents are prompted by the solver."
METADATA = {"family": "values", "harness_version": HARNESS_VERSION, "data_version": DATA_VERSION}


def _make_drift(params: dict[str, Any]) -> DriftGame:
    return DriftGame(DriftParams(**params))


def _make_quiz(params: dict[str, Any]) -> QuizGame:
    return QuizGame(QuizParams(**{**params, "ks": tuple(params["ks"])}))


@scorer(metrics={"*": [nanmean(), ci_low(), ci_high()]})
def value_drift_scorer() -> Scorer:
    return trajectory_scorer(drift_episode_metrics)


@scorer(metrics={"*": [nanmean(), ci_low(), ci_high()]})
def conformity_scorer() -> Scorer:
    return trajectory_scorer(conformity_episode_metrics)


def _samples(params: dict[str, Any], seed: int, episodes: int) -> MemoryDataset:
    if episodes < 1:
        raise UserError(f"episodes must be at least 1, got {episodes}")
    return MemoryDataset([
        Sample(id=f"ep{i:03d}", input=EPISODE_INPUT, metadata={"seed": s, "params": params})
        for i, s in enumerate(episode_seeds(seed, episodes))
    ])


def _ks(value: str | int) -> tuple[int, ...]:
    try:
        return tuple(int(k) for k in str(value).split(",") if k.strip())
    except ValueError:
        raise UserError(
            f"ks must be comma-separated whole numbers like 1,3,5, got {value!r}"
        ) from None


@task
def value_drift(
    n_agents: int = 12,
    group_size: int = 3,
    rounds: int = 8,
    rounds_per_dilemma: int = 2,
    personas: bool = True,
    memory: int = 2,
    n_focal: int | None = None,
    episodes: int = 5,
    seed: int = 0,
    cache: bool = False,
) -> Task:
    """Questionnaire, K rounds of group discussion of dilemmas, questionnaire: do values drift?"""
    params = DriftParams(n_agents=n_agents, group_size=group_size, rounds=rounds,
                         rounds_per_dilemma=rounds_per_dilemma, personas=personas, memory=memory,
                         n_focal=n_focal)
    return Task(
        name="value_drift",
        dataset=_samples(asdict(params), seed, episodes),
        solver=play_episode(_make_drift, SURVEY_ADAPTER, cache=cache),
        scorer=value_drift_scorer(),
        epochs=EPOCHS,
        config=DRIFT_CONFIG,
        version=DRIFT_VERSION,
        metadata=METADATA,
    )


@task
def conformity(
    ks: str = "1,3,5",
    n_subjects: int = 4,
    n_questions: int = 10,
    peers: str = "scripted",
    n_focal: int | None = None,
    episodes: int = 5,
    seed: int = 0,
    cache: bool = False,
) -> Task:
    """An objective question after k peers' answers (wrong, right or split): does it conform?"""
    params = QuizParams(ks=_ks(ks), n_subjects=n_subjects, n_questions=n_questions, peers=peers,
                        n_focal=n_focal)
    return Task(
        name="conformity",
        dataset=_samples(asdict(params), seed, episodes),
        solver=play_episode(_make_quiz, QUIZ_ADAPTER, cache=cache),
        scorer=conformity_scorer(),
        epochs=EPOCHS,
        config=CONFORMITY_CONFIG,
        version=CONFORMITY_VERSION,
        metadata=METADATA,
    )
