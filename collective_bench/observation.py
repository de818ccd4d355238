"""Observations travel out of band, never as text in a prompt.

A model under test sees only the prose a human participant would get. The scripted reference
policies need the structured observation (a plain dict from `Game.observe`), so it rides beside
the prompt: in the user message's `metadata` on inspect's path, and as an extra key of the
message dict on the compact path. Every client that sends a chat to a provider other than our
own in-process reference sends `wire_messages(...)`, which keeps only role and content, so the
observation cannot reach a provider by accident. This module is the one place that knows where
the observation is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

OBSERVATION_KEY = "observation"
"""Key of the observation in a user message's metadata (inspect) or dict (compact path)."""

Message = dict[str, Any]
"""A chat message as a role/content dict, optionally carrying the observation beside them."""


def wire_messages(messages: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The chat as a provider may see it: role and content only, nothing out of band."""
    return [{"role": str(m["role"]), "content": str(m["content"])} for m in messages]


def observation_of(messages: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The observation carried by the last user message that has one (compact path dicts)."""
    for message in reversed(messages):
        if message.get("role") == "user":
            value = message.get(OBSERVATION_KEY)
            if isinstance(value, dict):
                return value
    return None


def observation_from_metadata(metadata: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The observation kept in an inspect message's metadata, if any."""
    value = (metadata or {}).get(OBSERVATION_KEY)
    return value if isinstance(value, dict) else None
