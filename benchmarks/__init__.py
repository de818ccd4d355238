"""The benchmark tasks, one folder per family; importing this registers them all."""

from __future__ import annotations

from benchmarks import conventions as _conventions  # noqa: F401
from benchmarks import cooperation as _cooperation  # noqa: F401
from benchmarks import opinions as _opinions  # noqa: F401
from benchmarks import values as _values  # noqa: F401
