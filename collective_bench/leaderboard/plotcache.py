"""Plots drawn once per content: within a build and across rebuilds of the same output directory.

matplotlib's SVG rendering was most of `cbench leaderboard build` (every episode, task metric,
dynamics figure and model profile is a plot), and a rebuild after one new run redrew them all.
Each plot gets a key: a SHA-256 of what it shows (the data handed to the plotting function) and
of the code that draws it (the plotting modules' source and matplotlib's version). The site
records path -> key in `INDEX`; the next build into the same directory reuses a file whose key
is unchanged (copied from the previous site, never re-rendered) and draws only the rest. Two
plots with the same key in one build are drawn once.

Only a directory this builder wrote (its manifest lists every file, no symlinks: `publish`) is
read, and only files its manifest lists; anything unreadable is simply drawn again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import matplotlib

INDEX = ".plot-cache.json"
_CODE = ("plots.py", "dynamics.py", "profile.py", "plotcache.py")


def _code_salt() -> str:
    here = Path(__file__).parent
    digest = hashlib.sha256(matplotlib.__version__.encode())
    for name in _CODE:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


class PlotCache:
    """Path -> content for every plot of a build, drawing only what no earlier build drew."""

    def __init__(self, previous: Path | None = None) -> None:
        self.salt = _code_salt()
        self.root = previous
        self.old: dict[str, str] = {}  # key -> path of the previous site holding it
        self.index: dict[str, str] = {}  # path -> key, this build
        self.memo: dict[str, bytes | Path] = {}
        self.drawn = self.reused = 0
        if previous is not None:
            self.old = _previous_index(previous)

    def key(self, *data: Any) -> str:
        """The key of a plot of `data` (anything with a deterministic repr)."""
        return hashlib.sha256((self.salt + repr(data)).encode("utf-8")).hexdigest()

    def _cached(self, key: str) -> bytes | Path | None:
        if key in self.memo:
            return self.memo[key]
        path = self.old.get(key)
        if path is not None and self.root is not None:
            self.reused += 1
            return self.root / path
        return None

    def get(self, path: str, key: str, draw: Callable[[], bytes]) -> bytes | Path:
        """The plot at `path` with `key`: from this build or the previous site, else drawn."""
        self.index[path] = key
        found = self._cached(key)
        if found is None:
            found = draw()
            self.drawn += 1
        self.memo[key] = found
        return found

    def get_many(self, paths: Sequence[str], keys: Sequence[str],
                 draw: Callable[[], list[bytes]]) -> list[bytes | Path]:
        """Plots drawn together (an episode group): drawn only if one of them is missing."""
        found = [self._cached(key) for key in keys]
        if any(f is None for f in found):
            drawn: list[bytes | Path] = list(draw())
            self.drawn += len(drawn)
            found = drawn  # type: ignore[assignment]
        for path, key, content in zip(paths, keys, found, strict=True):
            self.index[path] = key
            assert content is not None
            self.memo[key] = content
        return [f for f in found if f is not None]

    def index_bytes(self) -> bytes:
        return (json.dumps(self.index, sort_keys=True, indent=0) + "\n").encode("utf-8")


def _previous_index(root: Path) -> dict[str, str]:
    """key -> path from a previous site's index, for files its manifest lists and that exist."""
    from collective_bench.leaderboard.publish import MANIFEST, owned

    try:
        if not root.is_dir() or not owned(root):
            return {}
        listed = set((root / MANIFEST).read_text(encoding="utf-8").splitlines())
        data = json.loads((root / INDEX).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    out: dict[str, str] = {}
    for path, key in sorted(data.items()):
        if (isinstance(path, str) and isinstance(key, str) and path in listed
                and ".." not in Path(path).parts and (root / path).is_file()):
            out.setdefault(key, path)
    return out
