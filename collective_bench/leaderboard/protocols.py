"""Protocol groups: which runs of a task may share a table and a rank.

A row's `protocol` is a digest of what was measured (task, version, measured parameters,
generation settings, bound roles). Runs at different digests are different measurements: a
`--preset cpu` run with 6 agents and 4 rounds says nothing about the 24-agent, 100-round
default, and a run where the model plays 1 agent of 8 among a background model says something
about that population, not about the model alone. So every table that ranks groups runs by
digest, and labels each group for a reader:

* "default protocol": the task's declared defaults and generation settings (first);
* "cpu preset": a preset as declared ("cpu preset with changes" when the rows differ from it);
* "protocol <digest>": anything else; "task version X" for runs of an older declaration;
* a focal suffix, "focal 1/8 in a population of <background>", when the model under test
  played only part of the population (`focal_share` < 1).

Labels are made unique per task: two digests that would get the same label both get their
digest appended, so one label never stands for two protocols of one task (the overview puts
every task's runs with the same label in one table, one column per task).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from collective_bench.leaderboard.releases import Run
from collective_bench.leaderboard.schema import TaskInfo
from collective_bench.leaderboard.view import slug
from collective_bench.results_schema import ResultRow

RUN_PARAMS = ("episodes", "seed", "cache")
"""Mirrors `collective_bench.spec.RUN_PARAMS` (how much was run, not what was measured); kept
here so the site does not import the task machinery; a test checks the two agree."""
DEFAULT = "default protocol"


@dataclass(frozen=True)
class Group:
    """One protocol group of a task: its label and where it sorts (default first)."""

    label: str
    order: tuple[int, int, str]
    default: bool = False
    focal: str = ""  # "focal 1/8 in a population of ..." ("" when the model played every agent)
    tag: str = ""  # a few characters for plot labels ("" for the default protocol)

    @property
    def anchor(self) -> str:
        return slug(self.label)


def focal_text(row: ResultRow) -> str:
    """What a focal row's score is about, e.g. "focal 1/8 in a population of openai/gpt-4o";
    "" when the model under test played the whole population (or the share is unknown)."""
    share = row.focal_share
    if share is None or share >= 1:
        return ""
    n_focal, n_agents = row.params.get("n_focal"), row.params.get("n_agents")
    if isinstance(n_focal, int) and isinstance(n_agents, int) and n_agents > 0:
        part = f"{n_focal}/{n_agents}"
    else:
        part = f"{share:.0%} of the agents"
    background = row.model_roles.get("background") or f"{row.model} (no background role bound)"
    return f"focal {part} in a population of {background}"


def _measured(params: Mapping[str, Any], drop: Iterable[str] = ()) -> str:
    skip = {*RUN_PARAMS, *drop}
    return json.dumps({k: v for k, v in params.items() if k not in skip}, sort_keys=True,
                      default=str)


def _tag(kind: int, row: ResultRow) -> str:
    """The group in a few characters, for plot labels next to model and release."""
    focal = row.params.get("n_focal")
    part = {0: "", 1: row.preset or "", 3: f"v{row.task_version}"}.get(
        kind, row.protocol[:6] or "no protocol")
    if focal_text(row):
        part = f"{part} focal {focal}/{row.params.get('n_agents', '?')}".strip()
    return part


def _base(row: ResultRow, info: TaskInfo | None) -> tuple[int, str]:
    """(sort kind, label) of a row's protocol, before the focal suffix."""
    focal = bool(focal_text(row))
    if info is None or not info.default_protocol:  # no declaration to compare with
        if row.preset:
            return (1, f"{row.preset} preset")
        return (2, f"protocol {row.protocol}") if row.protocol else (4, "protocol not recorded")
    if row.task_version != info.version:
        return (3, f"task version {row.task_version}"
                + (f", {row.preset} preset" if row.preset else ""))
    drop = ("n_focal",) if focal else ()
    same_generation = row.generation == dict(info.generation)
    roles = " with roles bound" if row.model_roles and not focal else ""
    if (row.protocol == info.default_protocol and not focal) or (
            same_generation and _measured(row.params, drop) == _measured(info.defaults, drop)):
        return (0, DEFAULT + roles)
    if row.preset:
        declared = info.presets.get(row.preset)
        same = declared is not None and same_generation and (
            _measured(row.params, drop) == _measured(declared, drop))
        return (1, f"{row.preset} preset{'' if same else ' with changes'}{roles}")
    return (2, f"protocol {row.protocol}") if row.protocol else (4, "protocol not recorded")


class Protocols:
    """The group of every run, labelled once over all runs so labels are unique per task."""

    def __init__(self, runs: Iterable[Run], tasks: Mapping[str, TaskInfo]) -> None:
        firsts: dict[tuple[str, str], ResultRow] = {}
        for run in sorted(runs, key=lambda r: (r.task, r.first.protocol, r.first.preset is None,
                                               r.first.preset or "", r.first.log)):
            firsts.setdefault((run.task, run.first.protocol), run.first)
        labels: dict[tuple[str, str], tuple[int, str, str, str]] = {}
        for key, row in firsts.items():
            kind, base = _base(row, tasks.get(row.task))
            focal = focal_text(row)
            labels[key] = (kind, base + (f" \u00b7 {focal}" if focal else ""), focal,
                           _tag(kind, row))
        per_label: dict[tuple[str, str], set[str]] = {}
        for (task, digest), (_, label, _, _) in labels.items():
            per_label.setdefault((task, label), set()).add(digest)
        self.groups: dict[tuple[str, str], Group] = {}
        for (task, digest), (kind, label, focal, tag) in labels.items():
            if len(per_label[(task, label)]) > 1:  # never one label for two protocols
                label = f"{label} \u00b7 {digest or 'not recorded'}"
                tag = f"{tag} {digest[:6]}".strip()
            self.groups[(task, digest)] = Group(label, (kind, int(bool(focal)), label),
                                                label == DEFAULT, focal, tag)

    def of(self, run: Run) -> Group:
        return self.groups[(run.task, run.first.protocol)]
