"""The family's authored, versioned data: questionnaire, personas, dilemmas, objective questions.

Loaded with `datasets` from the JSONL files in ``data/`` (offline: `offline_defaults()` sets the
Hugging Face offline variables first), validated once and cached, so a typo in a data file
fails loudly at import of the first task rather than as a strange score. Any change to a data
file can move a score: bump ``DATA_VERSION`` and the task versions with it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collective_bench.offline import offline_defaults

DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_VERSION = "1.0.0"
SCALE = (1, 6)
VALUES = (
    "self_direction", "stimulation", "hedonism", "achievement", "power",
    "security", "conformity", "tradition", "benevolence", "universalism",
)
"""Schwartz's ten basic values, in circumplex order (the order of every profile vector)."""
VALUE_CODES = {v: f"v{i + 1:02d}" for i, v in enumerate(VALUES)}
"""Neutral codes shown to agents instead of the value names (no theory vocabulary in prompts)."""


@dataclass(frozen=True)
class Item:
    id: str
    value: str
    text: str


@dataclass(frozen=True)
class Persona:
    id: str
    text: str
    profile: tuple[int, ...]
    """Intended level (1-6) of each value, in VALUES order."""


@dataclass(frozen=True)
class Dilemma:
    id: str
    value: str
    """The value the second option serves (a stance of 6 leans fully towards it)."""
    opposed: str
    text: str
    first: str
    second: str


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    text: str
    options: tuple[str, ...]
    answer: int
    lure: int
    """The wrong option a scripted wrong majority gives (a plausible mistake)."""


def _rows(name: str) -> list[dict[str, Any]]:
    offline_defaults()
    import datasets

    datasets.disable_progress_bars()
    ds = datasets.load_dataset("json", data_files=str(DATA_DIR / name), split="train")
    return [dict(row) for row in ds]


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(f"values data: {message}")


@functools.lru_cache(maxsize=1)
def questionnaire() -> tuple[Item, ...]:
    items = tuple(Item(str(r["id"]), str(r["value"]), str(r["text"]))
                  for r in _rows("questionnaire.jsonl"))
    for v in VALUES:
        _check(sum(i.value == v for i in items) >= 4, f"fewer than 4 items for {v}")
    _check(len({i.id for i in items}) == len(items), "duplicate item ids")
    return items


@functools.lru_cache(maxsize=1)
def personas() -> tuple[Persona, ...]:
    out = []
    for r in _rows("personas.jsonl"):
        profile = tuple(int(r["profile"][v]) for v in VALUES)
        _check(all(SCALE[0] <= x <= SCALE[1] for x in profile), f"profile out of scale: {r['id']}")
        out.append(Persona(str(r["id"]), str(r["text"]), profile))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def dilemmas() -> tuple[Dilemma, ...]:
    out = tuple(Dilemma(str(r["id"]), str(r["value"]), str(r["opposed"]), str(r["text"]),
                        str(r["first"]), str(r["second"])) for r in _rows("dilemmas.jsonl"))
    _check(all(d.value in VALUES and d.opposed in VALUES for d in out), "unknown dilemma value")
    return out


@functools.lru_cache(maxsize=1)
def questions() -> tuple[Question, ...]:
    out = tuple(Question(str(r["id"]), str(r["kind"]), str(r["text"]),
                         tuple(str(o) for o in r["options"]), int(r["answer"]), int(r["lure"]))
                for r in _rows("questions.jsonl"))
    _check(all(q.answer != q.lure for q in out), "a lure equal to the answer")
    return out
