"""The benchmark tasks, one folder per family; importing this registers them all."""

from __future__ import annotations

from benchmarks import conventions as _conventions  # noqa: F401
