"""inspect tasks of the conventions family: wiring only (rules in game.py, text in prompts.py)."""

from __future__ import annotations

from dataclasses import asdict

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import Scorer, scorer

from benchmarks.conventions.adapter import ADAPTER
from benchmarks.conventions.game import NamingGame, NamingParams
from collective_bench import HARNESS_VERSION
from collective_bench.driver_inspect import play_episode
from collective_bench.params import parse_floats
from collective_bench.seeds import derive_seed, episode_seeds
from scorers.conventions import committed_episode_metrics, naming_episode_metrics
from scorers.inspect_wrappers import EPOCHS, ci_high, ci_low, nanmean, trajectory_scorer

NAMING_VERSION = "2.0.0"
COMMITTED_VERSION = "2.0.0"
GENERATION = GenerateConfig(temperature=0.5, max_tokens=64)
"""Ashery et al.'s temperature (0.5); 64 tokens leave room for one line of reasoning before the
ANSWER line (they generated 15 tokens for `{'value': X; 'reason': ...}`). No stop sequence: a
reasoning line may precede the answer."""
NAMING_CAP = 100
"""Population rounds (N interactions each) before an episode is censored. The slowest published
run at N=24, H=5 (Llama-2-70B, W=2) reached consensus at 73.4; none would be censored."""
COMMITTED_CAP = 40
"""Ashery et al. ran their committed-minority populations for 500-1000 interactions (21-42
population rounds at N=24)."""
DEFAULT_FRACTIONS = "0.1,0.2,0.3,0.4,0.5,0.7"
EPISODE_INPUT = "One episode of a population game; agents are prompted by the solver."


def _make_game(params: dict[str, object]) -> NamingGame:
    return NamingGame(NamingParams(**params))  # type: ignore[arg-type]


@scorer(metrics={"*": [nanmean(), ci_low(), ci_high()]})
def naming_scorer() -> Scorer:
    return trajectory_scorer(naming_episode_metrics)


@scorer(metrics={"*": [nanmean(), ci_low(), ci_high()]})
def committed_scorer() -> Scorer:
    return trajectory_scorer(committed_episode_metrics)


def _samples(params_list: list[NamingParams], seed: int, episodes: int) -> MemoryDataset:
    samples = []
    for v, params in enumerate(params_list):
        base = seed if len(params_list) == 1 else derive_seed("variant", seed, v)
        for i, ep_seed in enumerate(episode_seeds(base, episodes)):
            samples.append(
                Sample(
                    id=f"v{v}-ep{i:03d}" if len(params_list) > 1 else f"ep{i:03d}",
                    input=EPISODE_INPUT,
                    metadata={"seed": ep_seed, "params": asdict(params)},
                )
            )
    return MemoryDataset(samples)


def _naming_task(name: str, params: NamingParams, episodes: int, seed: int, cache: bool) -> Task:
    return Task(
        name=name,
        dataset=_samples([params], seed, episodes),
        solver=play_episode(_make_game, ADAPTER, cache=cache),
        scorer=naming_scorer(),
        epochs=EPOCHS,
        config=GENERATION,
        version=NAMING_VERSION,
        metadata={"family": "conventions", "harness_version": HARNESS_VERSION},
    )


@task
def naming_game(
    n_agents: int = 24,
    n_labels: int = 10,
    memory: int = 5,
    max_rounds: int = NAMING_CAP,
    n_focal: int | None = None,
    topology: str = "well_mixed",
    degree: int = 4,
    schedule: str = "pairs",
    episodes: int = 6,
    seed: int = 0,
    cache: bool = False,
) -> Task:
    """Ashery et al. (2025): random pairs name one of W labels; does a convention emerge?"""
    params = NamingParams(
        n_agents=n_agents, n_labels=n_labels, memory=memory, max_rounds=max_rounds,
        n_focal=n_focal, topology=topology, degree=degree, schedule=schedule, label_seed=seed,
    )
    return _naming_task("naming_game", params, episodes, seed, cache)


@task
def naming_game_binary(
    n_agents: int = 24,
    memory: int = 5,
    max_rounds: int = NAMING_CAP,
    n_focal: int | None = None,
    topology: str = "well_mixed",
    degree: int = 4,
    schedule: str = "pairs",
    episodes: int = 8,
    seed: int = 0,
    cache: bool = False,
) -> Task:
    """The W=2 naming game, where collective and individual bias are measured."""
    params = NamingParams(
        n_agents=n_agents, n_labels=2, memory=memory, max_rounds=max_rounds, n_focal=n_focal,
        topology=topology, degree=degree, schedule=schedule, label_seed=seed,
    )
    return _naming_task("naming_game_binary", params, episodes, seed, cache)


@task
def committed_minority(
    fractions: str | float = DEFAULT_FRACTIONS,
    n_agents: int = 24,
    memory: int = 5,
    max_rounds: int = COMMITTED_CAP,
    n_focal: int | None = None,
    schedule: str = "pairs",
    episodes: int = 2,
    seed: int = 0,
    cache: bool = False,
) -> Task:
    """Centola et al. (2018) in LLM populations: does a committed minority tip a convention?"""
    params_list = [
        NamingParams(
            n_agents=n_agents, n_labels=2, memory=memory, max_rounds=max_rounds,
            committed_fraction=p, established=True, n_focal=n_focal, schedule=schedule,
            label_seed=seed,
        )
        for p in parse_floats("fractions", fractions)
    ]
    return Task(
        name="committed_minority",
        dataset=_samples(params_list, seed, episodes),
        solver=play_episode(_make_game, ADAPTER, cache=cache),
        scorer=committed_scorer(),
        epochs=EPOCHS,
        config=GENERATION,
        version=COMMITTED_VERSION,
        metadata={"family": "conventions", "harness_version": HARNESS_VERSION},
    )
