"""The test session runs offline, as `cbench` does (no import sets these on its own)."""

from collective_bench.offline import offline_defaults

offline_defaults()
