"""inspect tasks of the cooperation family: wiring only. Each task is declared once in
`spec.py`; rules live in the game modules, text in the prompt modules, metric math in
collective_bench/scorers/cooperation*.py."""

from __future__ import annotations

from typing import Any

from inspect_ai import Task, task

from collective_bench.benchmarks.cooperation import spec
from collective_bench.task_builder import build_task


@task
def commons(**params: Any) -> Task:
    """GovSim's fishery without communication: do agents keep a regrowing stock alive?"""
    return build_task(spec.COMMONS, **params)


@task
def commons_talk(**params: Any) -> Task:
    """GovSim's fishery with its discussion after each harvest, catches revealed."""
    return build_task(spec.COMMONS_TALK, **params)


@task
def repeated_pd(**params: Any) -> Task:
    """Iterated prisoner's dilemma with random re-matching each round."""
    return build_task(spec.REPEATED_PD, **params)


@task
def repeated_pd_partners(**params: Any) -> Task:
    """The prisoner's dilemma against scripted tit-for-tat, grim, alternator, one-defection."""
    return build_task(spec.REPEATED_PD_PARTNERS, **params)


@task
def public_goods(**params: Any) -> Task:
    """Repeated linear public goods game in fixed groups."""
    return build_task(spec.PUBLIC_GOODS, **params)


@task
def public_goods_punish(**params: Any) -> Task:
    """The public goods game with a costly deduction step after every round."""
    return build_task(spec.PUBLIC_GOODS_PUNISH, **params)


@task
def donor_game(**params: Any) -> Task:
    """The donor game with cultural evolution across generations."""
    return build_task(spec.DONOR_GAME, **params)
