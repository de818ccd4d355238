"""Parsing of task parameters given on the command line (`-T key=value`)."""

from __future__ import annotations

from collective_bench.errors import UserError


def parse_floats(name: str, value: str | float | list[float]) -> list[float]:
    """A comma-separated list of numbers (or one number) as floats, with a clear error."""
    if isinstance(value, (int, float)):
        return [float(value)]
    if isinstance(value, list):
        return [float(v) for v in value]
    try:
        out = [float(v) for v in str(value).split(",") if v.strip()]
    except ValueError:
        raise UserError(
            f"{name} must be comma-separated numbers like 0.1,0.2, got {value!r}"
        ) from None
    if not out:
        raise UserError(f"{name} needs at least one number, got {value!r}")
    return out
