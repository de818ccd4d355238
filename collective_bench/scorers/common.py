"""Per-episode quantities every family reports the same way."""

from __future__ import annotations


def invalid_rate(asked: int, invalid: int) -> float:
    """Moves recorded invalid after the re-asks, over moves asked (0 when nothing was asked).

    An invalid move is never replaced by a made-up one: the Game records it as missing, and this
    rate says how much of an episode the model did not actually play."""
    return invalid / asked if asked else 0.0
