"""inspect tasks of the cooperation family: wiring only (rules in the game modules, text in
the prompt modules, metric math in scorers/cooperation*.py)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import Scorer, scorer
from inspect_ai.solver import Solver

from benchmarks.cooperation.adapter import COMMONS_ADAPTER, DONOR_ADAPTER, PD_ADAPTER, PG_ADAPTER
from benchmarks.cooperation.commons import CommonsGame, CommonsParams
from benchmarks.cooperation.donor import DonorGame, DonorParams
from benchmarks.cooperation.pd import PDGame, PDParams
from benchmarks.cooperation.pg import PGGame, PGParams
from collective_bench import HARNESS_VERSION
from collective_bench.driver_inspect import play_episode
from collective_bench.errors import UserError
from collective_bench.params import parse_floats
from collective_bench.seeds import derive_seed, episode_seeds
from scorers.cooperation import commons_episode_metrics
from scorers.cooperation_donor import donor_episode_metrics
from scorers.cooperation_pd import pd_episode_metrics
from scorers.cooperation_pg import pg_episode_metrics
from scorers.inspect_wrappers import EPOCHS, ci_high, ci_low, nanmean, trajectory_scorer

COMMONS_VERSION = "1.1.0"
PD_VERSION = "1.1.0"
PG_VERSION = "1.1.0"
DONOR_VERSION = "1.1.0"

# Generation settings per task (issue #14), recorded in the log; users may override them.
# Temperatures are the cited protocols': GovSim 0.0 (simulation/conf/config.yaml); repeated
# games with LLMs 0 (Akata et al., 2023), also used for the public goods tasks, which cite no
# LLM protocol; the donor game 0.8 (Vallinder & Hughes' notebook). max_tokens leaves room for a
# short reasoning before a one-line answer; free text (messages, strategies) gets more.
COMMONS_CONFIG = GenerateConfig(temperature=0.0, max_tokens=256)
COMMONS_TALK_CONFIG = GenerateConfig(temperature=0.0, max_tokens=384)
PD_CONFIG = GenerateConfig(temperature=0.0, max_tokens=128)
PG_CONFIG = GenerateConfig(temperature=0.0, max_tokens=192)
DONOR_CONFIG = GenerateConfig(temperature=0.8, max_tokens=384)
EPISODE_INPUT = "One episode of a population game; agents are prompted by the solver."
FAMILY_METADATA = {"family": "cooperation", "harness_version": HARNESS_VERSION}


def _samples(params: Any, seed: int, episodes: int) -> MemoryDataset:
    return _variant_samples([params], seed, episodes)


def _variant_samples(params_list: list[Any], seed: int, episodes: int) -> MemoryDataset:
    """`episodes` samples per parameter set; variants get their own seed stream."""
    samples = []
    for v, params in enumerate(params_list):
        base = seed if len(params_list) == 1 else derive_seed("variant", seed, v)
        prefix = f"v{v}-" if len(params_list) > 1 else ""
        samples += [Sample(id=f"{prefix}ep{i:03d}", input=EPISODE_INPUT,
                           metadata={"seed": ep_seed, "params": asdict(params)})
                    for i, ep_seed in enumerate(episode_seeds(base, episodes))]
    return MemoryDataset(samples)


def _make_commons(params: dict[str, Any]) -> CommonsGame:
    return CommonsGame(CommonsParams(**params))


def _make_donor(params: dict[str, Any]) -> DonorGame:
    return DonorGame(DonorParams(**params))


@scorer(metrics={"*": [nanmean(), ci_low(), ci_high()]})
def donor_scorer() -> Scorer:
    return trajectory_scorer(donor_episode_metrics)


def _make_pg(params: dict[str, Any]) -> PGGame:
    return PGGame(PGParams(**params))


@scorer(metrics={"*": [nanmean(), ci_low(), ci_high()]})
def pg_scorer() -> Scorer:
    return trajectory_scorer(pg_episode_metrics)


def _make_pd(params: dict[str, Any]) -> PDGame:
    return PDGame(PDParams(**params))


@scorer(metrics={"*": [nanmean(), ci_low(), ci_high()]})
def pd_scorer() -> Scorer:
    return trajectory_scorer(pd_episode_metrics)


@scorer(metrics={"*": [nanmean(), ci_low(), ci_high()]})
def commons_scorer() -> Scorer:
    return trajectory_scorer(commons_episode_metrics)


def _task(name: str, dataset: MemoryDataset, solver: Solver, scorer_: Scorer,
          version: str, config: GenerateConfig) -> Task:
    return Task(name=name, dataset=dataset, solver=solver, scorer=scorer_, epochs=EPOCHS,
                version=version, metadata=dict(FAMILY_METADATA), config=config)


def _commons(name: str, talk: bool, n_agents: int, months: int, memory: int, allocation: str,
             talk_rounds: int, n_focal: int | None, episodes: int, seed: int, cache: bool
             ) -> Task:
    params = CommonsParams(n_agents=n_agents, months=months, memory=memory, talk=talk,
                           talk_rounds=talk_rounds, allocation=allocation, n_focal=n_focal)
    return _task(name, _samples(params, seed, episodes),
                 play_episode(_make_commons, COMMONS_ADAPTER, cache=cache), commons_scorer(),
                 COMMONS_VERSION, COMMONS_TALK_CONFIG if talk else COMMONS_CONFIG)


@task
def commons(
    n_agents: int = 5,
    months: int = 12,
    memory: int = 3,
    allocation: str = "random",
    n_focal: int | None = None,
    episodes: int = 5,
    seed: int = 0,
    cache: bool = False,
) -> Task:
    """GovSim's fishery without communication (Piatti et al., 2024): do agents keep a shared,
    regrowing stock alive?"""
    return _commons("commons", False, n_agents, months, memory, allocation, 2, n_focal,
                    episodes, seed, cache)


@task
def commons_talk(
    n_agents: int = 5,
    months: int = 12,
    memory: int = 3,
    allocation: str = "random",
    talk_rounds: int = 2,
    n_focal: int | None = None,
    episodes: int = 5,
    seed: int = 0,
    cache: bool = False,
) -> Task:
    """GovSim's fishery with its discussion after each harvest, catches revealed: does talk
    sustain the stock?"""
    return _commons("commons_talk", True, n_agents, months, memory, allocation, talk_rounds,
                    n_focal, episodes, seed, cache)


@task
def repeated_pd(
    n_agents: int = 8,
    rounds: int = 10,
    memory: int = 5,
    n_focal: int | None = None,
    episodes: int = 5,
    seed: int = 0,
    cache: bool = False,
) -> Task:
    """Iterated prisoner's dilemma with random re-matching each round (T=5, R=3, P=1, S=0)."""
    params = PDParams(n_agents=n_agents, rounds=rounds, memory=memory, n_focal=n_focal)
    return _task("repeated_pd", _samples(params, seed, episodes),
                 play_episode(_make_pd, PD_ADAPTER, cache=cache), pd_scorer(), PD_VERSION,
                 PD_CONFIG)


@task
def repeated_pd_partners(
    rounds: int = 10,
    memory: int = 5,
    episodes: int = 5,
    seed: int = 0,
    cache: bool = False,
) -> Task:
    """The model against scripted partners (tit-for-tat, grim trigger, alternator, one
    defection): probes reciprocity and forgiveness against known strategies."""
    params = PDParams(n_agents=8, rounds=rounds, memory=memory, partners=True)
    return _task("repeated_pd_partners", _samples(params, seed, episodes),
                 play_episode(_make_pd, PD_ADAPTER, cache=cache), pd_scorer(), PD_VERSION,
                 PD_CONFIG)


def _group_sizes(text: str | int) -> list[int]:
    sizes = parse_floats("group_sizes", text)
    if any(not x.is_integer() for x in sizes):
        raise UserError(f"group_sizes must be whole numbers like 4,16, got {text!r}")
    return [int(x) for x in sizes]


def _public_goods(name: str, punish: bool, group_sizes: str | int, rounds: int, mpcr: float,
                  memory: int, episodes: int, seed: int, cache: bool) -> Task:
    params = [PGParams(group_size=n, rounds=rounds, mpcr=mpcr, memory=memory, punish=punish)
              for n in _group_sizes(group_sizes)]
    return _task(name, _variant_samples(params, seed, episodes),
                 play_episode(_make_pg, PG_ADAPTER, cache=cache), pg_scorer(), PG_VERSION,
                 PG_CONFIG)


@task
def public_goods(
    group_sizes: str = "4,16",
    rounds: int = 10,
    mpcr: float = 0.4,
    memory: int = 3,
    episodes: int = 3,
    seed: int = 0,
    cache: bool = False,
) -> Task:
    """Repeated linear public goods game in fixed groups of n (E=20, r = mpcr * n)."""
    return _public_goods("public_goods", False, group_sizes, rounds, mpcr, memory, episodes,
                         seed, cache)


@task
def public_goods_punish(
    group_sizes: str = "4,16",
    rounds: int = 10,
    mpcr: float = 0.4,
    memory: int = 3,
    episodes: int = 3,
    seed: int = 0,
    cache: bool = False,
) -> Task:
    """The public goods game with a costly deduction step after every round (Fehr & Gaechter)."""
    return _public_goods("public_goods_punish", True, group_sizes, rounds, mpcr, memory,
                         episodes, seed, cache)


@task
def donor_game(
    n_agents: int = 6,
    generations: int = 3,
    rounds: int = 5,
    memory: int = 3,
    n_focal: int | None = None,
    episodes: int = 3,
    seed: int = 0,
    cache: bool = False,
) -> Task:
    """Vallinder & Hughes (2024): donations doubled, the top half survives each generation and
    new agents read the survivors' strategies. Does giving evolve?"""
    params = DonorParams(n_agents=n_agents, generations=generations, rounds=rounds,
                         memory=memory, n_focal=n_focal)
    return _task("donor_game", _samples(params, seed, episodes),
                 play_episode(_make_donor, DONOR_ADAPTER, cache=cache), donor_scorer(),
                 DONOR_VERSION, DONOR_CONFIG)
