"""The topic bank: versioned statements, loaded with `datasets` and checked against a manifest.

The bank is data (`data/topics.jsonl`), not code, so that it can be read, cited and reviewed on
its own. The manifest's SHA-256 ties the file to a bank version: an edit without a version bump
fails loudly instead of silently moving scores. Loading is offline (`import collective_bench`
sets HF_DATASETS_OFFLINE=1, and a local JSON file never needs the hub).
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from collective_bench.errors import UserError
from collective_bench.offline import offline_defaults
from collective_bench.seeds import rng_for

DATA_DIR = Path(__file__).resolve().parent / "data"
MANIFEST = DATA_DIR / "manifest.json"
SELECTIONS = ("all", "contested", "factual")


@dataclass(frozen=True)
class Topic:
    """One statement in one framing; `sign` orients opinions for the bias metric."""

    id: str
    pair: str
    kind: str
    framing: str
    statement: str
    truth: bool | None

    @property
    def sign(self) -> int:
        """+1 if agreeing points toward the truth (factual) or toward framing "a" (contested)."""
        if self.kind == "factual":
            return 1 if self.truth else -1
        return 1 if self.framing == "a" else -1


def _manifest() -> dict[str, object]:
    data: dict[str, object] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return data


def bank_version() -> str:
    return str(_manifest()["version"])


@functools.lru_cache(maxsize=1)
def load_bank() -> tuple[Topic, ...]:
    """Every row of the bank, after checking the file against the manifest's hash."""
    manifest = _manifest()
    path = DATA_DIR / str(manifest["file"])
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != manifest["sha256"]:
        raise UserError(
            f"{path} does not match {MANIFEST} (sha256 {digest}); bump the bank version and "
            "record the new hash there (see data/README.md)"
        )
    offline_defaults()
    import datasets

    rows = datasets.load_dataset("json", data_files=str(path), split="train")
    topics = tuple(
        Topic(
            id=str(r["id"]), pair=str(r["pair"]), kind=str(r["kind"]), framing=str(r["framing"]),
            statement=str(r["statement"]), truth=None if r["truth"] is None else bool(r["truth"]),
        )
        for r in rows
    )
    if len(topics) != manifest["rows"]:
        raise UserError(f"{path} has {len(topics)} rows, the manifest says {manifest['rows']}")
    return topics


def episode_topics(selection: str, seed: int, episodes: int) -> list[Topic]:
    """The topic of each episode: pairs in a seeded order, both framings back to back.

    Contested and factual pairs alternate (with "all"), so any even number of episodes covers
    both framings of each topic it uses and, from 4 episodes on, both kinds of topic.
    """
    if selection not in SELECTIONS:
        raise UserError(f"unknown topics {selection!r}; choose one of {', '.join(SELECTIONS)}")
    bank = load_bank()
    rng = rng_for("topics", seed)
    by_kind: dict[str, list[str]] = {}
    for t in bank:
        if selection in ("all", t.kind) and t.pair not in by_kind.setdefault(t.kind, []):
            by_kind[t.kind].append(t.pair)
    for pairs in by_kind.values():
        rng.shuffle(pairs)
    order: list[str] = []
    for i in range(max(len(p) for p in by_kind.values())):
        order += [pairs[i] for _, pairs in sorted(by_kind.items()) if i < len(pairs)]
    rows = [t for pair in order for t in sorted(bank, key=lambda t: t.framing) if t.pair == pair]
    return [rows[i % len(rows)] for i in range(episodes)]
