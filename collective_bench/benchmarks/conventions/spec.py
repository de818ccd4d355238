"""The conventions tasks, each declared once (see `collective_bench.spec`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from collective_bench.benchmarks.conventions.adapter import ADAPTER
from collective_bench.benchmarks.conventions.game import (
    SCHEDULES,
    WELL_MIXED,
    NamingGame,
    NamingParams,
)
from collective_bench.registry import register
from collective_bench.scorers.aggregate import per_metric
from collective_bench.scorers.conventions import (
    collective_bias,
    committed_episode_metrics,
    critical_fraction,
    critical_fraction_of,
    individual_bias,
    km_median,
    naming_episode_metrics,
)
from collective_bench.scorers.stats import Estimate, estimate, folded, pvalue
from collective_bench.spec import INVALID_RATE, Generation, Metric, Param, Protocol, TaskSpec
from collective_bench.topology import GRAPH_KINDS

ASHERY = ("Ashery, A. F., Aiello, L. M., & Baronchelli, A. (2025). Emergent social conventions "
          "and collective bias in LLM populations. Science Advances 11(20), eadu9368")
BARONCHELLI = ("Baronchelli, A., et al. (2006). Sharp transition towards shared vocabularies "
               "in multi-agent systems. J. Stat. Mech. P06014")
CENTOLA = ("Centola, D., Becker, J., Brackbill, D., & Baronchelli, A. (2018). Experimental "
           "evidence for tipping points in social convention. Science 360")
NAMING = "scorers.conventions.naming_episode_metrics"
COMMITTED = "scorers.conventions.committed_episode_metrics"
SHARE = (0.0, 1.0)
Episodes = Sequence[Mapping[str, float]]


def _col(episodes: Episodes, key: str) -> list[float]:
    return [e.get(key, float("nan")) for e in episodes]


def _time_to_consensus(episodes: Episodes) -> Estimate:
    return km_median(_col(episodes, "consensus_time"), _col(episodes, "consensus"))


def _collective_bias(episodes: Episodes) -> Estimate:
    return folded(estimate(_col(episodes, "winner_is_first"), "binary"), 0.5)


def _collective_bias_p(episodes: Episodes) -> Estimate:
    est, p = collective_bias(_col(episodes, "winner_is_first"))
    return pvalue(p, est.n)


def _individual_bias(episodes: Episodes) -> Estimate:
    return individual_bias(_col(episodes, "first_choice_first"),
                           _col(episodes, "first_choice_n"))[0]


def _individual_bias_p(episodes: Episodes) -> Estimate:
    est, p = individual_bias(_col(episodes, "first_choice_first"),
                             _col(episodes, "first_choice_n"))
    return pvalue(p, est.n)


def _critical(episodes: Episodes) -> Estimate:
    return critical_fraction(_col(episodes, "committed_fraction"), _col(episodes, "tipped"))


def _critical_censored(episodes: Episodes) -> Estimate:
    censored = float(critical_fraction_of(_col(episodes, "committed_fraction"),
                                          _col(episodes, "tipped")) == 1.0)
    return Estimate(censored, float("nan"), float("nan"), len(episodes))


INVALID = INVALID_RATE
NAMING_METRICS = (
    Metric("consensus", "Consensus", "1 if a run of 3N consecutive successful interactions "
           "happened before the cap, else 0 (a censored episode is 0)", "higher", "binary",
           NAMING, reference=BARONCHELLI, group="convergence"),
    Metric("time_to_consensus", "Time to consensus", "Kaplan-Meier median over episodes of the "
           "interaction ending the first run of 3N successes, / N (censored at the cap)",
           "lower", "real", "scorers.conventions.km_median", unit="population rounds",
           reference=ASHERY, group="convergence"),
    Metric("final_agreement", "Final agreement", "share of agents whose last move named the "
           "most-named label", "higher", "bounded", NAMING, bounds=SHARE, group="convergence"),
    Metric("labels_in_use_final", "Labels in use (final)", "distinct valid labels named in the "
           "last population round", "lower", "real", NAMING, group="convergence"),
    Metric("labels_in_use_mean", "Labels in use (mean)", "distinct valid labels named per "
           "population round, averaged", "lower", "real", NAMING, group="convergence"),
    Metric("success_rate", "Success rate", "successful interactions / interactions", "higher",
           "bounded", NAMING, bounds=SHARE, group="convergence"),
    INVALID,
)
NAMING_SPECIAL = {"time_to_consensus": _time_to_consensus}
BIAS_METRICS = (
    Metric("collective_bias", "Collective bias", "|P(the winning label is labels[0]) - 1/2| "
           "over the episodes that reached consensus", "neutral", "bounded",
           "scorers.conventions.collective_bias", bounds=(0.0, 0.5), reference=ASHERY,
           group="bias"),
    Metric("collective_bias_pvalue", "Collective bias p", "two-sided exact binomial test of "
           "the winners against 1/2", "neutral", "bounded", "scorers.conventions.collective_bias",
           bounds=SHARE, reference=ASHERY, group="bias", pvalue_of="collective_bias"),
    Metric("individual_bias", "Individual bias", "|P(an agent's first answer, with an empty "
           "memory, names labels[0]) - 1/2|, pooled over episodes", "neutral", "bounded",
           "scorers.conventions.individual_bias", bounds=(0.0, 0.5), reference=ASHERY,
           group="bias"),
    Metric("individual_bias_pvalue", "Individual bias p", "binomial test of the pooled first "
           "answers against 1/2", "neutral", "bounded", "scorers.conventions.individual_bias",
           bounds=SHARE, reference=ASHERY, group="bias", pvalue_of="individual_bias"),
)
BIAS_SPECIAL = {"collective_bias": _collective_bias, "collective_bias_pvalue": _collective_bias_p,
                "individual_bias": _individual_bias, "individual_bias_pvalue": _individual_bias_p}
COMMITTED_METRICS = (
    Metric("critical_fraction", "Critical fraction", "smallest tested committed fraction at "
           "which at least half the episodes tipped (1.0 when none tipped)", "higher", "bounded",
           "scorers.conventions.critical_fraction_of", bounds=SHARE, reference=CENTOLA,
           group="tipping", built_from="tipped"),
    Metric("critical_fraction_censored", "Critical fraction censored", "1 when no tested "
           "fraction tipped (the critical fraction lies above the largest tested)", "neutral",
           "binary", "scorers.conventions.critical_fraction_of", group="tipping"),
    Metric("tipped", "Tipped", "1 if the convention tipped before the cap, over all episodes",
           "neutral", "binary", COMMITTED, reference=CENTOLA, group="tipping"),
    Metric("time_to_tip", "Time to tip", "interaction ending the third tipped population "
           "round, / N, over tipped episodes", "lower", "real", COMMITTED,
           unit="population rounds", reference=CENTOLA, group="tipping"),
    Metric("alternative_share_final", "Alternative share (final)", "share of non-committed "
           "plays naming the alternative in the last population round", "neutral", "bounded",
           COMMITTED, bounds=SHARE, reference=CENTOLA, group="tipping"),
    INVALID,
)
COMMITTED_SPECIAL = {"critical_fraction": _critical,
                     "critical_fraction_censored": _critical_censored}


def run(episodes: int) -> tuple[Param, ...]:
    return (Param("episodes", int, episodes, "episodes (per committed fraction)", low=1),
            Param("seed", int, 0, "base seed of the run", low=0),
            Param("cache", bool, False, "cache model answers (scoped per episode and agent)"))


N_AGENTS = Param("n_agents", int, 24, "population size N", low=2, high=4096)
MEMORY = Param("memory", int, 5, "interactions each agent remembers (H)", low=1)
FOCAL = Param("n_focal", int, None, "agents played by the model under test (default: all)",
              low=1, optional=True)
SCHEDULE = Param("schedule", str, "pairs", "one random pair per interaction (the paper's), or "
                 "everyone paired at once each round (a throughput variant)",
                 choices=tuple(SCHEDULES))
TOPOLOGY = Param("topology", str, WELL_MIXED, "who meets whom",
                 choices=(WELL_MIXED, *GRAPH_KINDS))
DEGREE = Param("degree", int, 4, "mean degree of the graph topologies", low=2)


def naming_params(binary: bool) -> tuple[Param, ...]:
    labels = () if binary else (Param("n_labels", int, 10, "label pool size W", low=2,
                                      high=100),)
    return (N_AGENTS, *labels, MEMORY,
            Param("max_rounds", int, 100, "cap in population rounds (N interactions each) "
                  "before an episode is censored", low=1, high=10_000),
            FOCAL, TOPOLOGY, DEGREE, SCHEDULE, *run(8 if binary else 6))


def make_game(p: dict[str, Any]) -> NamingGame:
    return NamingGame(NamingParams(**p))


def _naming(binary: bool) -> Any:
    def expand(p: dict[str, Any], seed: int) -> list[dict[str, Any]]:
        if binary:
            p = {**p, "n_labels": 2}
        return [asdict(NamingParams(**p, label_seed=seed))]
    return expand


def _committed(p: dict[str, Any], seed: int) -> list[dict[str, Any]]:
    fractions = p.pop("fractions")
    return [asdict(NamingParams(**p, n_labels=2, committed_fraction=f, established=True,
                                label_seed=seed)) for f in fractions]


PROTOCOL = Protocol(
    f"{ASHERY}: N=24, memory H=5, payoff +100/-50, one random pair per interaction, label "
    "order shuffled per prompt, re-ask until valid, temperature 0.5",
    ("Re-asks capped at 5 (theirs: until valid) so a model that never answers validly ends",
     "Cap of 100 population rounds: none of the published runs would be censored"))
GENERATION = Generation(temperature=0.5, max_tokens=64)
QUICK = {"n_agents": 12, "max_rounds": 40, "episodes": 4}
SMOKE = {"n_agents": 4, "max_rounds": 3, "episodes": 1}
CPU = {"n_agents": 6, "max_rounds": 4, "episodes": 2}

NAMING_GAME = register(TaskSpec(
    name="naming_game", family="conventions", version="2.1.0",
    summary="24 agents, one random pair at a time, name one of W=10 labels: a convention?",
    protocol=PROTOCOL, params=naming_params(binary=False), make_game=make_game,
    adapter=ADAPTER, episode_metrics=naming_episode_metrics,
    aggregate=per_metric(NAMING_METRICS, NAMING_SPECIAL), metrics=NAMING_METRICS,
    headline="consensus", generation=GENERATION,
    presets={"quick": QUICK, "smoke": SMOKE, "cpu": CPU}, expand=_naming(False),
))
NAMING_GAME_BINARY = register(TaskSpec(
    name="naming_game_binary", family="conventions", version="2.1.0",
    summary="The naming game with W=2 labels: consensus plus collective and individual bias.",
    protocol=PROTOCOL, params=naming_params(binary=True), make_game=make_game,
    adapter=ADAPTER, episode_metrics=naming_episode_metrics,
    aggregate=per_metric(NAMING_METRICS + BIAS_METRICS, {**NAMING_SPECIAL, **BIAS_SPECIAL}),
    metrics=NAMING_METRICS + BIAS_METRICS, headline="consensus", generation=GENERATION,
    presets={"quick": QUICK, "smoke": SMOKE, "cpu": CPU}, expand=_naming(True),
))
COMMITTED_MINORITY = register(TaskSpec(
    name="committed_minority", family="conventions", version="2.1.0",
    summary="A committed minority always names the alternative: does the convention tip?",
    protocol=Protocol(f"{CENTOLA}, as run on LLM populations by {ASHERY}: an established "
                      "convention in every memory, committed agents always name the "
                      "alternative; temperature 0.5",
                      ("40 population rounds (they ran 500-1000 interactions, 21-42 rounds)",)),
    params=(Param("fractions", float, "0.1,0.2,0.3,0.4,0.5,0.7", "tested committed fractions, "
                  "one variant each", low=0.0, high=0.99, many=True),
            N_AGENTS, MEMORY,
            Param("max_rounds", int, 40, "cap in population rounds", low=1, high=10_000),
            FOCAL, SCHEDULE, *run(2)),
    make_game=make_game, adapter=ADAPTER, episode_metrics=committed_episode_metrics,
    aggregate=per_metric(COMMITTED_METRICS, COMMITTED_SPECIAL), metrics=COMMITTED_METRICS,
    headline="critical_fraction", generation=GENERATION,
    presets={"quick": {"n_agents": 12, "max_rounds": 30, "episodes": 2,
                       "fractions": "0.17,0.34,0.5"},
             "smoke": {"n_agents": 4, "max_rounds": 3, "episodes": 1, "fractions": "0.25"},
             "cpu": {"n_agents": 6, "max_rounds": 4, "episodes": 1, "fractions": "0.17,0.34"}},
    expand=_committed,
))
