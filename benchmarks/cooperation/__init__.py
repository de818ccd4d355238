"""Cooperation: social dilemmas in populations (see README.md in this folder)."""

from __future__ import annotations

from benchmarks.cooperation import policies as _policies
from benchmarks.cooperation import tasks as _tasks
from benchmarks.cooperation.pd import PARTNER_KINDS
from benchmarks.registry import TaskEntry, register
from collective_bench.policies import register_task_policies
from scorers.cooperation import COMMONS_METRICS, aggregate_commons
from scorers.cooperation_donor import DONOR_METRICS, aggregate_donor
from scorers.cooperation_pd import PD_METRICS, aggregate_pd, aggregate_pd_partners, partners_metrics
from scorers.cooperation_pg import PG_METRICS, PUNISH_METRICS, aggregate_pg

for _entry in _policies.ALL_POLICIES:
    register_task_policies(_entry)

# Quick-suite presets (`make run`): the whole family stays within 2,500 agent turns per
# reference model. Turns per episode (at most): commons 5 x 12 = 60, commons_talk 60 harvest
# turns + 11 discussions of 10 = 170, repeated_pd 8 x 10 = 80, repeated_pd_partners 4 x 10 = 40,
# public_goods (4 + 16) x 6 = 120 per episode pair, public_goods_punish 2 x 120 = 240,
# donor_game 6 + 3 + 3 strategies + 6 x 5 x 3 donations = 102.
register(TaskEntry(
    name="commons", family="cooperation", version=_tasks.COMMONS_VERSION,
    build=_tasks.commons, aggregate=aggregate_commons, headline="survival_rate",
    summary="GovSim's fishery, no talk: 5 agents fish a lake that doubles monthly (cap 100).",
    metrics=COMMONS_METRICS, suite_args={"episodes": 4},
))
register(TaskEntry(
    name="commons_talk", family="cooperation", version=_tasks.COMMONS_VERSION,
    build=_tasks.commons_talk, aggregate=aggregate_commons, headline="survival_rate",
    summary="GovSim's fishery: after each harvest all catches are revealed and the group talks.",
    metrics=COMMONS_METRICS, suite_args={"episodes": 2},
))
register(TaskEntry(
    name="repeated_pd", family="cooperation", version=_tasks.PD_VERSION,
    build=_tasks.repeated_pd, aggregate=aggregate_pd, headline="cooperation_rate",
    summary="8 agents re-matched at random each round play a PD (T5 R3 P1 S0) of unknown length.",
    metrics=PD_METRICS, suite_args={"episodes": 4},
))
register(TaskEntry(
    name="repeated_pd_partners", family="cooperation", version=_tasks.PD_VERSION,
    build=_tasks.repeated_pd_partners, aggregate=aggregate_pd_partners,
    headline="reciprocity",
    summary="The PD against scripted tit-for-tat, grim, alternator and one-defection partners.",
    metrics=partners_metrics(PARTNER_KINDS), suite_args={"episodes": 4},
))
register(TaskEntry(
    name="public_goods", family="cooperation", version=_tasks.PG_VERSION,
    build=_tasks.public_goods, aggregate=aggregate_pg, headline="contribution_rate",
    summary="Groups of 4 and 16 with 20 tokens a round and MPCR 0.4: do contributions decay?",
    metrics=PG_METRICS, suite_args={"episodes": 1, "rounds": 6},
))
register(TaskEntry(
    name="public_goods_punish", family="cooperation", version=_tasks.PG_VERSION,
    build=_tasks.public_goods_punish, aggregate=aggregate_pg, headline="contribution_rate",
    summary="The public goods game with a costly deduction step (1 token per point, 3 taken).",
    metrics=PUNISH_METRICS, suite_args={"episodes": 1, "rounds": 6},
))
register(TaskEntry(
    name="donor_game", family="cooperation", version=_tasks.DONOR_VERSION,
    build=_tasks.donor_game, aggregate=aggregate_donor, headline="final_resources",
    summary="Donations doubled; the top half survives each generation and passes on strategies.",
    metrics=DONOR_METRICS, suite_args={"episodes": 2},
))
