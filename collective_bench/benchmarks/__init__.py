"""The benchmark tasks, one folder per family; importing this registers them all."""

from __future__ import annotations

from collective_bench.benchmarks import conventions as _conventions  # noqa: F401
from collective_bench.benchmarks import cooperation as _cooperation  # noqa: F401
from collective_bench.benchmarks import opinions as _opinions  # noqa: F401
from collective_bench.benchmarks import values as _values  # noqa: F401
