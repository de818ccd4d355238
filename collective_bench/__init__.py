"""Collective Bench: what populations of LLM agents do together.

Importing the package has no side effects; the entry points apply the offline defaults
(`collective_bench.offline`).
"""

from __future__ import annotations

__version__ = "0.3.1"
HARNESS_VERSION = __version__
