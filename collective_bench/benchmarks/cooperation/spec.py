"""The cooperation tasks, each declared once (see `collective_bench.spec`).

Everything `cbench list`, the inspect tasks, the scorers' aggregation, the leaderboard and the
README tables say about these seven tasks comes from the declarations below.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from collective_bench.benchmarks.cooperation.adapter import (
    COMMONS_ADAPTER,
    DONOR_ADAPTER,
    PD_ADAPTER,
    PG_ADAPTER,
)
from collective_bench.benchmarks.cooperation.commons import CommonsGame, CommonsParams
from collective_bench.benchmarks.cooperation.donor import DonorGame, DonorParams
from collective_bench.benchmarks.cooperation.pd import PARTNER_KINDS, PDGame, PDParams
from collective_bench.benchmarks.cooperation.pg import PGGame, PGParams
from collective_bench.registry import register
from collective_bench.scorers.aggregate import per_metric
from collective_bench.scorers.cooperation import commons_episode_metrics
from collective_bench.scorers.cooperation_donor import donor_episode_metrics
from collective_bench.scorers.cooperation_pd import pd_episode_metrics
from collective_bench.scorers.cooperation_pg import group_size_effect, pg_episode_metrics
from collective_bench.spec import INVALID_RATE, Generation, Metric, Param, Protocol, TaskSpec

GOVSIM = ("Piatti, G., Jin, Z., Kleiman-Weiner, M., Schölkopf, B., Sachan, M., & Mihalcea, R. "
          "(2024). Cooperate or Collapse: Emergence of Sustainable Cooperation in a Society of "
          "LLM Agents. NeurIPS 2024")
AXELROD = "Axelrod, R. (1984). The Evolution of Cooperation"
DAL_BO = ("Dal Bó, P., & Fréchette, G. R. (2011). The evolution of cooperation in infinitely "
          "repeated games. AER 101(1)")
FEHR = ("Fehr, E., & Gächter, S. (2000). Cooperation and punishment in public goods "
        "experiments. AER 90(4)")
HERRMANN = ("Herrmann, B., Thöni, C., & Gächter, S. (2008). Antisocial punishment across "
            "societies. Science 319")
VALLINDER = ("Vallinder, A., & Hughes, E. (2024). Cultural evolution of cooperation among LLM "
             "agents. arXiv:2412.10270")

SHARE = (0.0, 1.0)


def run_params(episodes: int) -> tuple[Param, ...]:
    return (Param("episodes", int, episodes, "episodes (samples) per variant", low=1),
            Param("seed", int, 0, "base seed of the run", low=0),
            Param("cache", bool, False, "cache model answers (scoped per episode and agent)"))


def focal() -> Param:
    return Param("n_focal", int, None, "agents played by the model under test (default: all)",
                 low=1, optional=True)


INVALID = INVALID_RATE

# --- the commons (GovSim) ------------------------------------------------------------------

COMMONS_METRICS = (
    Metric("survival_rate", "Commons survival", "1 if the lake never collapsed and every month "
           "was played, else 0", "higher", "binary", "scorers.cooperation.commons_episode_metrics",
           reference=GOVSIM, group="commons"),
    Metric("survival_time", "Survival time", "months played, the month of a collapse included",
           "higher", "real", "scorers.cooperation.commons_episode_metrics", unit="months",
           reference=GOVSIM, group="commons"),
    Metric("total_gain", "Total catch", "tons caught by all agents over the episode", "higher",
           "real", "scorers.cooperation.commons_episode_metrics", unit="tons", reference=GOVSIM,
           group="commons"),
    Metric("efficiency", "Efficiency", "1 - max(0, months x sustainable catch - total catch) / "
           "(months x sustainable catch)", "higher", "bounded",
           "scorers.cooperation.commons_episode_metrics", bounds=SHARE, reference=GOVSIM,
           group="commons"),
    Metric("equality", "Equality", "1 - Gini coefficient of the agents' total catches",
           "higher", "bounded", "scorers.cooperation.gini", bounds=SHARE, reference=GOVSIM,
           group="commons"),
    Metric("over_usage", "Over-usage", "share of valid requests above that month's sustainable "
           "share", "lower", "bounded", "scorers.cooperation.commons_episode_metrics",
           bounds=SHARE, reference=GOVSIM, group="commons"),
    INVALID,
)


def commons_params(talk: bool) -> tuple[Param, ...]:
    own: tuple[Param, ...] = (Param("n_agents", int, 5, "fishers sharing the lake", low=2, high=64),
           Param("months", int, 12, "months (harvest rounds)", low=1, high=120),
           Param("memory", int, 3, "past months each agent is shown", low=1),
           Param("allocation", str, "random", "how fish are shared when requests exceed the "
                 "stock: GovSim's one ton at a time at random, or in proportion",
                 choices=("random", "proportional")))
    if talk:
        own += (Param("talk_rounds", int, 2, "discussion turns per agent after each harvest",
                      low=1, high=10),)
    return (*own, focal(), *run_params(5))


def _commons(talk: bool) -> Any:
    def expand(p: dict[str, Any], seed: int) -> list[dict[str, Any]]:
        return [asdict(CommonsParams(**p, talk=talk))]
    return expand


def make_commons(params: dict[str, Any]) -> CommonsGame:
    return CommonsGame(CommonsParams(**params))


COMMONS_PROTOCOL = Protocol(
    f"{GOVSIM}: the fishery (capacity 100, regrowth doubling up to capacity, collapse below 5), "
    "concurrent harvests, temperature 0",
    ("12 months instead of GovSim's 12-month cap with early stop: identical at collapse",
     "Our own prompt text carrying GovSim's information (their text is not copied)"))

COMMONS = register(TaskSpec(
    name="commons", family="cooperation", version="1.3.0",
    summary="GovSim's fishery, no talk: 5 agents fish a lake that doubles monthly (cap 100).",
    protocol=COMMONS_PROTOCOL, params=commons_params(talk=False), make_game=make_commons,
    adapter=COMMONS_ADAPTER, episode_metrics=commons_episode_metrics,
    aggregate=per_metric(COMMONS_METRICS), metrics=COMMONS_METRICS, headline="survival_rate",
    generation=Generation(temperature=0.0, max_tokens=256),
    presets={"quick": {"episodes": 4}, "smoke": {"episodes": 1, "months": 2},
             "cpu": {"episodes": 2, "months": 4}},
    reference_order=("textbook", "random"), expand=_commons(False),
))
COMMONS_TALK = register(TaskSpec(
    name="commons_talk", family="cooperation", version="1.3.0",
    summary="GovSim's fishery: after each harvest all catches are revealed and the group talks.",
    protocol=COMMONS_PROTOCOL, params=commons_params(talk=True), make_game=make_commons,
    adapter=COMMONS_ADAPTER, episode_metrics=commons_episode_metrics,
    aggregate=per_metric(COMMONS_METRICS), metrics=COMMONS_METRICS, headline="survival_rate",
    generation=Generation(temperature=0.0, max_tokens=384),
    presets={"quick": {"episodes": 2}, "smoke": {"episodes": 1, "months": 1, "talk_rounds": 1},
             "cpu": {"episodes": 1, "months": 3, "talk_rounds": 1}},
    reference_order=("textbook", "random"), expand=_commons(True),
))

# --- the repeated prisoner's dilemma ------------------------------------------------------

PD_FORMULA = "scorers.cooperation_pd.pd_episode_metrics"
PD_METRICS = (
    Metric("cooperation_rate", "Cooperation", "share of moves that cooperate (an invalid move "
           "does not)", "higher", "bounded", PD_FORMULA, bounds=SHARE, reference=AXELROD,
           group="cooperation"),
    Metric("reciprocity", "Reciprocity", "share of moves with a partner met before that return "
           "the partner's last move (C after C, D after D)", "higher", "bounded", PD_FORMULA,
           bounds=SHARE, reference=DAL_BO, group="cooperation"),
    Metric("conditional_cooperation", "Conditional cooperation", "P(C | partner's last move C) "
           "- P(C | it was D)", "higher", "bounded", PD_FORMULA, bounds=(-1.0, 1.0),
           reference=DAL_BO, group="cooperation"),
    Metric("forgiveness", "Forgiveness", "P(C) in the round after a partner's single defection "
           "ended", "higher", "bounded", PD_FORMULA, bounds=SHARE, reference=AXELROD,
           group="cooperation"),
    Metric("normalized_welfare", "Welfare", "(mean payoff per move - P) / (R - P): 0 all "
           "defect, 1 all cooperate", "higher", "real", PD_FORMULA, reference=AXELROD,
           group="cooperation"),
    Metric("payoff_per_round", "Payoff per round", "mean payoff of the model-played agents per "
           "move", "higher", "real", PD_FORMULA, unit="points", group="cooperation"),
    Metric("cooperation_slope", "Cooperation trend", "OLS slope of the per-round cooperation "
           "rate against the round", "neutral", "real", PD_FORMULA, unit="per round",
           group="cooperation"),
    INVALID,
)
PARTNERS_METRICS = PD_METRICS + tuple(
    Metric(f"cooperation_vs_{kind}", f"Cooperation vs {kind.replace('_', ' ')}",
           f"cooperation rate against the scripted {kind.replace('_', ' ')} partners", "neutral",
           "bounded", PD_FORMULA, bounds=SHARE, reference=AXELROD, group="cooperation")
    for kind in PARTNER_KINDS)
PD_PROTOCOL = Protocol(
    "Iterated prisoner's dilemma T=5, R=3, P=1, S=0 of unknown length; temperature 0 as in "
    "Akata et al. (2023), Playing repeated games with large language models")


def make_pd(params: dict[str, Any]) -> PDGame:
    return PDGame(PDParams(**params))


def _pd(partners: bool) -> Any:
    def expand(p: dict[str, Any], seed: int) -> list[dict[str, Any]]:
        if partners:
            p = {**p, "n_agents": 2 * len(PARTNER_KINDS)}
        return [asdict(PDParams(**p, partners=partners))]
    return expand


ROUNDS = Param("rounds", int, 10, "rounds (not told to the agents)", low=1, high=500)
PD_MEMORY = Param("memory", int, 5, "past encounters each agent is shown", low=1)

REPEATED_PD = register(TaskSpec(
    name="repeated_pd", family="cooperation", version="1.1.0",
    summary="8 agents re-matched at random each round play a PD (T5 R3 P1 S0) of unknown length.",
    protocol=PD_PROTOCOL,
    params=(Param("n_agents", int, 8, "players (even)", low=2, high=512), ROUNDS, PD_MEMORY,
            focal(), *run_params(5)),
    make_game=make_pd, adapter=PD_ADAPTER, episode_metrics=pd_episode_metrics,
    aggregate=per_metric(PD_METRICS), metrics=PD_METRICS, headline="cooperation_rate",
    generation=Generation(temperature=0.0, max_tokens=128),
    presets={"quick": {"episodes": 4}, "smoke": {"episodes": 1, "n_agents": 2, "rounds": 3},
             "cpu": {"episodes": 2, "n_agents": 4, "rounds": 5}},
    reference_order=("textbook", "random", "selfish"), expand=_pd(False),
))
REPEATED_PD_PARTNERS = register(TaskSpec(
    name="repeated_pd_partners", family="cooperation", version="1.1.0",
    summary="The PD against scripted tit-for-tat, grim, alternator and one-defection partners.",
    protocol=PD_PROTOCOL, params=(ROUNDS, PD_MEMORY, *run_params(5)),
    make_game=make_pd, adapter=PD_ADAPTER, episode_metrics=pd_episode_metrics,
    aggregate=per_metric(PARTNERS_METRICS), metrics=PARTNERS_METRICS, headline="reciprocity",
    generation=Generation(temperature=0.0, max_tokens=128),
    presets={"quick": {"episodes": 4}, "smoke": {"episodes": 1, "rounds": 4},
             "cpu": {"episodes": 2, "rounds": 5}},
    reference_order=("textbook", "random"), expand=_pd(True),
))

# --- public goods -------------------------------------------------------------------------

PG_FORMULA = "scorers.cooperation_pg.pg_episode_metrics"
PG_METRICS = (
    Metric("contribution_rate", "Contribution", "mean over rounds of (mean valid contribution "
           "/ endowment)", "higher", "bounded", PG_FORMULA, bounds=SHARE, reference=FEHR,
           group="cooperation"),
    Metric("contribution_slope", "Contribution trend", "OLS slope of the per-round "
           "contribution rate against the round (negative: decay)", "neutral", "real",
           PG_FORMULA, unit="per round", reference=FEHR, group="cooperation"),
    Metric("normalized_welfare", "Welfare", "(mean earnings per agent-round - E) / (E (r - 1)):"
           " 0 when nobody contributes, 1 at full contribution", "higher", "real", PG_FORMULA,
           reference=FEHR, group="cooperation"),
    Metric("group_size_effect", "Group-size effect", "contribution rate in the largest groups "
           "minus in the smallest (paired bootstrap over episodes)", "neutral", "real",
           "scorers.cooperation_pg.group_size_effect", group="cooperation"),
    INVALID,
)
PUNISH_METRICS = PG_METRICS + (
    Metric("punishment_rate", "Punishment", "share of valid deduction decisions giving any "
           "point", "neutral", "bounded", PG_FORMULA, bounds=SHARE, reference=FEHR,
           group="cooperation"),
    Metric("antisocial_punishment", "Antisocial punishment", "share of deduction points given "
           "to members who contributed at least as much as the giver", "lower", "bounded",
           PG_FORMULA, bounds=SHARE, reference=HERRMANN, group="cooperation"),
)


def _size_effect(episodes: Any) -> Any:
    return group_size_effect([e.get("group_size", float("nan")) for e in episodes],
                             [e.get("contribution_rate", float("nan")) for e in episodes])


def make_pg(params: dict[str, Any]) -> PGGame:
    return PGGame(PGParams(**params))


def _pg(punish: bool) -> Any:
    def expand(p: dict[str, Any], seed: int) -> list[dict[str, Any]]:
        sizes = p.pop("group_sizes")
        return [asdict(PGParams(**p, group_size=n, punish=punish)) for n in sizes]
    return expand


PG_PARAMS = (
    Param("group_sizes", int, "4,16", "group sizes, one variant each", low=2, high=256,
          many=True),
    Param("rounds", int, 10, "rounds", low=1, high=200),
    Param("mpcr", float, 0.4, "marginal per-capita return r/n", low=0.0, high=1.0),
    Param("memory", int, 3, "past rounds each agent is shown", low=1),
    *run_params(3),
)
PG_PROTOCOL = Protocol(f"Linear public goods game, endowment 20, MPCR 0.4 ({FEHR})")

PUBLIC_GOODS = register(TaskSpec(
    name="public_goods", family="cooperation", version="1.2.0",
    summary="Groups of 4 and 16 with 20 tokens a round and MPCR 0.4: do contributions decay?",
    protocol=PG_PROTOCOL, params=PG_PARAMS, make_game=make_pg, adapter=PG_ADAPTER,
    episode_metrics=pg_episode_metrics,
    aggregate=per_metric(PG_METRICS, {"group_size_effect": _size_effect}), metrics=PG_METRICS,
    headline="contribution_rate", generation=Generation(temperature=0.0, max_tokens=192),
    presets={"quick": {"episodes": 1, "rounds": 6},
             "smoke": {"episodes": 1, "rounds": 2, "group_sizes": "4"},
             "cpu": {"episodes": 2, "rounds": 5, "group_sizes": "4"}},
    reference_order=("textbook", "random", "selfish"), expand=_pg(False),
))
PUBLIC_GOODS_PUNISH = register(TaskSpec(
    name="public_goods_punish", family="cooperation", version="1.2.0",
    summary="The public goods game with a costly deduction step (1 token per point, 3 taken).",
    protocol=PG_PROTOCOL, params=PG_PARAMS, make_game=make_pg, adapter=PG_ADAPTER,
    episode_metrics=pg_episode_metrics,
    aggregate=per_metric(PUNISH_METRICS, {"group_size_effect": _size_effect}),
    metrics=PUNISH_METRICS, headline="contribution_rate",
    generation=Generation(temperature=0.0, max_tokens=192),
    presets={"quick": {"episodes": 1, "rounds": 6},
             "smoke": {"episodes": 1, "rounds": 2, "group_sizes": "4"},
             "cpu": {"episodes": 2, "rounds": 3, "group_sizes": "4"}},
    reference_order=("textbook", "random", "selfish"), expand=_pg(True),
))

# --- the donor game -----------------------------------------------------------------------

DONOR_FORMULA = "scorers.cooperation_donor.donor_episode_metrics"
DONOR_METRICS = (
    Metric("final_resources", "Final resources", "mean resources per agent at the end of the "
           "last generation", "higher", "real", DONOR_FORMULA, unit="units",
           reference=VALLINDER, group="cooperation"),
    Metric("final_resources_first", "Resources, generation 1", "mean resources at the end of "
           "the first generation", "higher", "real", DONOR_FORMULA, unit="units",
           reference=VALLINDER, group="cooperation"),
    Metric("final_resources_last", "Resources, last generation", "mean resources at the end "
           "of the last generation", "higher", "real", DONOR_FORMULA, unit="units",
           reference=VALLINDER, group="cooperation"),
    Metric("resources_slope", "Resources trend", "OLS slope of end-of-generation resources "
           "against the generation", "neutral", "real", DONOR_FORMULA,
           unit="units per generation", reference=VALLINDER, group="cooperation"),
    Metric("donation_rate", "Donation", "mean share of resources donated per donation",
           "higher", "bounded", DONOR_FORMULA, bounds=SHARE, reference=VALLINDER,
           group="cooperation"),
    INVALID,
)


def make_donor(params: dict[str, Any]) -> DonorGame:
    return DonorGame(DonorParams(**params))


def _donor(p: dict[str, Any], seed: int) -> list[dict[str, Any]]:
    return [asdict(DonorParams(**p))]


DONOR_GAME = register(TaskSpec(
    name="donor_game", family="cooperation", version="1.4.0",
    summary="Donations doubled; the top half survives each generation and passes on strategies.",
    protocol=Protocol(f"{VALLINDER}: the donor game with cultural evolution, temperature 0.8"),
    params=(Param("n_agents", int, 6, "agents per generation (even)", low=2, high=256),
            Param("generations", int, 3, "generations", low=1, high=50),
            Param("rounds", int, 5, "donation rounds per generation", low=1, high=100),
            Param("memory", int, 3, "past rounds each agent is shown", low=1),
            focal(), *run_params(3)),
    make_game=make_donor, adapter=DONOR_ADAPTER, episode_metrics=donor_episode_metrics,
    aggregate=per_metric(DONOR_METRICS), metrics=DONOR_METRICS, headline="final_resources",
    generation=Generation(temperature=0.8, max_tokens=384),
    presets={"quick": {"episodes": 2},
             "smoke": {"episodes": 1, "n_agents": 2, "generations": 1, "rounds": 2},
             "cpu": {"episodes": 2, "n_agents": 4, "generations": 2, "rounds": 3}},
    reference_order=("textbook", "random", "selfish"), expand=_donor,
))
