"""Seed derivation: every random draw in an episode flows from the episode seed.

Seeds are derived by hashing, not by drawing from a shared generator, so the draw for
(episode 3, round 7) does not depend on how many draws happened before it or in which order
concurrent agents answered. That is what makes a reference run reproducible to the byte.
"""

from __future__ import annotations

import hashlib
import random

import numpy as np


def derive_seed(*keys: object) -> int:
    """A 63-bit seed from any sequence of keys (ints, strings)."""
    text = "\x1f".join(str(k) for k in keys)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1


def rng_for(*keys: object) -> random.Random:
    """A stdlib generator seeded from keys; cheap to make, for per-round draws."""
    return random.Random(derive_seed(*keys))


def np_rng_for(*keys: object) -> np.random.Generator:
    """A numpy generator seeded from keys, for vectorised draws (direct driver, bootstrap)."""
    return np.random.default_rng(derive_seed(*keys))


def episode_seeds(base_seed: int, n_episodes: int) -> list[int]:
    """The seeds of episodes 0..n-1 of a run with base seed `base_seed`."""
    return [derive_seed("episode", base_seed, i) for i in range(n_episodes)]
