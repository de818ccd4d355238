"""Scripted agents for the conventions tasks, and the answer format they share with LLMs.

- ``textbook``: adaptive play (Young, Econometrica 1993): best response to the labels its
  partners named in its own memory; ties and an empty memory are broken at random.
- ``random``: a uniformly random label.

(The minimal-naming-game agents used for calibration live in calibration.py.)
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from collective_bench.benchmarks.conventions.adapter import format_answer
from collective_bench.benchmarks.conventions.game import TASK_NAME
from collective_bench.policies import TaskPolicies


def textbook(observation: dict[str, Any], rng: random.Random) -> str:
    labels = observation["labels"]
    seen = Counter(m["partner"] for m in observation["memory"] if m["partner"] in labels)
    if not seen:
        return str(rng.choice(labels))
    best = max(seen.values())
    return str(rng.choice(sorted(label for label, n in seen.items() if n == best)))


def uniform(observation: dict[str, Any], rng: random.Random) -> str:
    return str(rng.choice(observation["labels"]))


POLICIES = TaskPolicies(
    task=TASK_NAME,
    # In a pure coordination game self-interest *is* coordination: the selfish best response to
    # what partners named is adaptive play, so `selfish` plays the textbook policy here.
    policies={"textbook": textbook, "random": uniform, "selfish": textbook},
    format_answer=format_answer,
)
