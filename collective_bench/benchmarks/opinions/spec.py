"""The opinions tasks, each declared once (see `collective_bench.spec`)."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from collective_bench.benchmarks.opinions.adapter import ADAPTER, REWIRE_ADAPTER
from collective_bench.benchmarks.opinions.game import (
    INITIALS,
    TOPOLOGIES,
    OpinionGame,
    OpinionParams,
)
from collective_bench.benchmarks.opinions.topics import SELECTIONS, bank_version, episode_topics
from collective_bench.registry import register
from collective_bench.scorers.aggregate import per_metric
from collective_bench.scorers.polarization import opinion_episode_metrics
from collective_bench.spec import INVALID_RATE, Generation, Metric, Param, Protocol, TaskSpec

CHUANG = ("Chuang, Y.-S., et al. (2024). Simulating opinion dynamics with networks of LLM-based "
          "agents. Findings of NAACL 2024")
ESTEBAN_RAY = ("Esteban, J.-M., & Ray, D. (1994). On the measurement of polarization. "
               "Econometrica 62(4)")
NEWMAN = "Newman, M. E. J. (2003). Mixing patterns in networks. Physical Review E 67, 026126"
FORMULA = "scorers.polarization.opinion_episode_metrics"


def m(name: str, display: str, definition: str, direction: Any, kind: Any,
      bounds: tuple[float, float] | None = None, reference: str = "",
      group: str = "opinions") -> Metric:
    return Metric(name, display, definition, direction, kind, FORMULA, bounds=bounds,
                  reference=reference, group=group)


POLARIZATION = m("polarization", "Polarization", "Esteban-Ray polarization of the final "
                 "opinions scaled to [0, 1] (a = 1.6): 0 at consensus, 1 for two equal camps "
                 "at the extremes", "lower", "bounded", (0.0, 1.0), ESTEBAN_RAY)
ASSORTATIVITY_EXCESS = m(
    "assortativity_excess", "Echo chambers", "Newman's opinion assortativity on the final graph "
    "minus its mean over seeded permutations of the same opinions on the same graph (0: no more "
    "like-minded neighbours than chance)", "lower", "bounded", (-2.0, 2.0), NEWMAN)
COMMON = (
    m("bias", "Bias", "mean opinion signed toward the truth (factual) or framing a (contested)",
      "neutral", "bounded", (-3.0, 3.0), CHUANG),
    m("bias_factual", "Bias toward the truth", "bias over factual topics only", "higher",
      "bounded", (-3.0, 3.0), CHUANG),
    m("bias_contested", "Bias, contested topics", "bias over contested topics only", "neutral",
      "bounded", (-3.0, 3.0), CHUANG),
    m("diversity", "Diversity", "population standard deviation of the final opinions",
      "neutral", "bounded", (0.0, 3.0), CHUANG),
    m("clusters", "Clusters", "groups of at least 10% of agents separated by an empty level",
      "neutral", "real", reference="Deffuant et al. (2000)"),
    m("bimodality", "Bimodality", "bimodality coefficient (g^2 + 1) / (k + 3(n-1)^2/((n-2)"
      "(n-3))); above 5/9 suggests two modes", "neutral", "real",
      reference="Pfister et al. (2013)"),
    m("extremity", "Extremity", "mean absolute final opinion", "neutral", "bounded", (0.0, 3.0)),
    m("neighbour_correlation", "Neighbour correlation", "Pearson r between an agent's opinion "
      "and its neighbours' mean on the final graph (null below 0: read assortativity_excess)",
      "neutral", "bounded", (-1.0, 1.0), "Cinelli et al. (2021)"),
    m("assortativity", "Assortativity", "Newman's numeric assortativity of the opinions over "
      "the final graph's edges", "neutral", "bounded", (-1.0, 1.0), NEWMAN),
    m("opinion_change", "Opinion change", "mean absolute change of an opinion per round",
      "neutral", "bounded", (0.0, 6.0)),
)
INVALID = INVALID_RATE
OPINION_METRICS = (POLARIZATION, ASSORTATIVITY_EXCESS, *COMMON, INVALID)
ECHO_METRICS = (ASSORTATIVITY_EXCESS, POLARIZATION, *COMMON,
                m("rewire_rate", "Rewiring", "ties rewired per agent per round", "neutral",
                  "bounded", (0.0, 1.0), "Holme & Newman (2006)"), INVALID)


def params(echo: bool) -> tuple[Param, ...]:
    own: tuple[Param, ...] = (
        Param("n_agents", int, 24, "population size", low=4, high=1024),
        Param("max_rounds", int, 10, "rounds per episode", low=1, high=200),
        Param("topology", str, "small_world", "the discussion network",
              choices=tuple(TOPOLOGIES)),
        Param("degree", int, 4, "mean degree of the graph", low=2),
        Param("initial", str, "uniform", "initial opinions",
              choices=tuple(INITIALS)),
        Param("topics", str, "all", "which statements", choices=tuple(SELECTIONS)),
        Param("max_shown", int, 8, "neighbours shown per round", low=1),
    )
    if echo:
        own += (Param("strangers", int, 2, "non-neighbours shown per round", low=1),)
    return (*own,
            Param("n_focal", int, None, "agents played by the model under test (default: all)",
                  low=1, optional=True),
            Param("episodes", int, 8, "episodes (4 topics x 2 framings)", low=1),
            Param("seed", int, 0, "base seed of the run", low=0),
            Param("cache", bool, False, "cache model answers (scoped per episode and agent)"))


def make_game(p: dict[str, Any]) -> OpinionGame:
    return OpinionGame(OpinionParams(**p))


def _expand(echo: bool) -> Any:
    def expand(p: dict[str, Any], seed: int) -> list[dict[str, Any]]:
        selection = p.pop("topics")
        return [{**asdict(OpinionParams(**p, rewire=echo)), "topics": selection}]
    return expand


def _topics(p: dict[str, Any], seed: int, episodes: int) -> list[dict[str, Any]]:
    """One statement per episode: pairs in a seeded order, both framings back to back."""
    base = OpinionParams(**{k: v for k, v in p.items() if k != "topics"})
    return [asdict(replace(base, statement=t.statement, topic_id=t.id, kind=t.kind, sign=t.sign))
            for t in episode_topics(str(p["topics"]), seed, episodes)]


PROTOCOL = Protocol(
    f"{CHUANG}: a networked discussion of a statement on a 7-level scale, temperature 0.7",
    ("Agents answer with a level and a short message shown to neighbours the next round",))
QUICK = {"n_agents": 12, "max_rounds": 8, "episodes": 8}
GENERATION = Generation(temperature=0.7, max_tokens=300)

OPINION_DYNAMICS = register(TaskSpec(
    name="opinion_dynamics", family="opinions", version="1.1.0",
    summary="24 agents on a network state positions on a statement: consensus, drift or split?",
    protocol=PROTOCOL, params=params(echo=False), make_game=make_game, adapter=ADAPTER,
    episode_metrics=opinion_episode_metrics, aggregate=per_metric(OPINION_METRICS),
    metrics=OPINION_METRICS, headline="polarization", generation=GENERATION,
    presets={"quick": QUICK, "smoke": {"n_agents": 6, "max_rounds": 2, "episodes": 2},
             "cpu": {"n_agents": 6, "max_rounds": 3, "episodes": 2}},
    expand=_expand(False), per_episode=_topics,
    data_versions=lambda: {"topic_bank_version": bank_version()},
))
ECHO_CHAMBERS = register(TaskSpec(
    name="echo_chambers", family="opinions", version="1.2.0",
    summary="The same discussion, but agents may swap a tie each round: do echo chambers form?",
    protocol=PROTOCOL, params=params(echo=True), make_game=make_game, adapter=REWIRE_ADAPTER,
    episode_metrics=opinion_episode_metrics, aggregate=per_metric(ECHO_METRICS),
    metrics=ECHO_METRICS, headline="assortativity_excess", generation=GENERATION,
    presets={"quick": QUICK, "smoke": {"n_agents": 6, "max_rounds": 2, "episodes": 2},
             "cpu": {"n_agents": 6, "max_rounds": 3, "episodes": 2}},
    expand=_expand(True), per_episode=_topics,
    data_versions=lambda: {"topic_bank_version": bank_version()},
))
