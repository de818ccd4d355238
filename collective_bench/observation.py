"""The observation block: the structured tail of every agent prompt.

Every prompt ends with the agent's observation as a fenced JSON block. The prose above it is for
language models; the block is what the reference provider (scripted policies) reads, so the same
task runs end to end with no API key. Keeping one format here means the prompt renderer and the
reader cannot drift apart.
"""

from __future__ import annotations

import json
import re
from typing import Any

BLOCK_HEADER = "Observation (JSON):"
_BLOCK_RE = re.compile(r"```json\n(\{.*?\})\n```", re.DOTALL)


def render_block(observation: dict[str, Any]) -> str:
    """The fenced JSON block for an observation (keys sorted: identical input, identical text)."""
    body = json.dumps(observation, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"{BLOCK_HEADER}\n```json\n{body}\n```"


def find_block(text: str) -> dict[str, Any] | None:
    """The last observation block in `text`, or None if there is none or it is not valid JSON."""
    for match in reversed(_BLOCK_RE.findall(text)):
        try:
            value = json.loads(match)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return None
