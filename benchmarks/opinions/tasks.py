"""inspect tasks of the opinions family: wiring only (rules in game.py, text in prompts.py)."""

from __future__ import annotations

from dataclasses import asdict, replace

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import Scorer, scorer

from benchmarks.opinions.adapter import ADAPTER, REWIRE_ADAPTER
from benchmarks.opinions.game import OpinionGame, OpinionParams
from benchmarks.opinions.topics import bank_version, episode_topics
from collective_bench import HARNESS_VERSION
from collective_bench.driver_inspect import play_episode
from collective_bench.errors import UserError
from collective_bench.seeds import episode_seeds
from scorers.inspect_wrappers import EPOCHS, ci_high, ci_low, nanmean, trajectory_scorer
from scorers.polarization import opinion_episode_metrics

OPINION_VERSION = "1.1.0"
ECHO_VERSION = "1.1.0"
CONFIG = GenerateConfig(temperature=0.7, max_tokens=300)
"""Chuang et al. (2024)'s settings (their code: temperature 0.7, max_tokens 300): room for the
OPINION line, a 200-character message, a REWIRE line and a short reasoning line."""
EPISODE_INPUT = "One episode of a population discussion; agents are prompted by the solver."


def _make_game(params: dict[str, object]) -> OpinionGame:
    return OpinionGame(OpinionParams(**params))  # type: ignore[arg-type]


@scorer(metrics={"*": [nanmean(), ci_low(), ci_high()]})
def opinion_scorer() -> Scorer:
    return trajectory_scorer(opinion_episode_metrics)


def _dataset(params: OpinionParams, topics: str, episodes: int, seed: int) -> MemoryDataset:
    """One sample per episode; episode i discusses the i-th topic of the seeded bank order."""
    if episodes < 1:
        raise UserError(f"episodes must be at least 1, got {episodes}")
    samples = []
    chosen = episode_topics(topics, seed, episodes)
    for i, (ep_seed, topic) in enumerate(zip(episode_seeds(seed, episodes), chosen, strict=True)):
        episode = replace(params, statement=topic.statement, topic_id=topic.id, kind=topic.kind,
                          sign=topic.sign)
        samples.append(Sample(
            id=f"ep{i:03d}", input=EPISODE_INPUT,
            metadata={"seed": ep_seed, "topic": topic.id, "params": asdict(episode)},
        ))
    return MemoryDataset(samples)


def _task(name: str, version: str, params: OpinionParams, topics: str, episodes: int, seed: int,
          cache: bool) -> Task:
    adapter = REWIRE_ADAPTER if params.rewire else ADAPTER
    return Task(
        name=name,
        dataset=_dataset(params, topics, episodes, seed),
        solver=play_episode(_make_game, adapter, cache=cache),
        scorer=opinion_scorer(),
        epochs=EPOCHS,
        config=CONFIG,
        version=version,
        metadata={"family": "opinions", "harness_version": HARNESS_VERSION,
                  "topic_bank_version": bank_version()},
    )


@task
def opinion_dynamics(
    n_agents: int = 24,
    max_rounds: int = 10,
    topology: str = "small_world",
    degree: int = 4,
    initial: str = "uniform",
    topics: str = "all",
    max_shown: int = 8,
    n_focal: int | None = None,
    episodes: int = 8,
    seed: int = 0,
    cache: bool = False,
) -> Task:
    """Agents on a fixed network exchange positions on a statement: consensus, drift or split?"""
    params = OpinionParams(
        n_agents=n_agents, max_rounds=max_rounds, topology=topology, degree=degree,
        initial=initial, max_shown=max_shown, n_focal=n_focal,
    )
    return _task("opinion_dynamics", OPINION_VERSION, params, topics, episodes, seed, cache)


@task
def echo_chambers(
    n_agents: int = 24,
    max_rounds: int = 10,
    topology: str = "small_world",
    degree: int = 4,
    initial: str = "uniform",
    topics: str = "all",
    max_shown: int = 8,
    strangers: int = 2,
    n_focal: int | None = None,
    episodes: int = 8,
    seed: int = 0,
    cache: bool = False,
) -> Task:
    """The same discussion, but each agent may swap one tie per round: do echo chambers form?"""
    params = OpinionParams(
        n_agents=n_agents, max_rounds=max_rounds, topology=topology, degree=degree,
        initial=initial, max_shown=max_shown, strangers=strangers, rewire=True, n_focal=n_focal,
    )
    return _task("echo_chambers", ECHO_VERSION, params, topics, episodes, seed, cache)
