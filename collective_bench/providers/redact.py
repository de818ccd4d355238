"""Secrets out of every message a provider error can carry, before anyone writes or prints it.

A provider may echo the request's Authorization header, or the URL with its user:password, in
an error body; litellm and httpx put both into exception text. Whatever our code raises from a
provider call goes through `redact` first (and is raised `from None`, so no unredacted cause
rides along in a traceback). Keys we hold are registered (`register_secret`) and removed
verbatim wherever they appear; bearer tokens, Authorization values, `sk-...`-style keys, key
query parameters and URL userinfo are removed by pattern even when we never saw them.
"""

from __future__ import annotations

import re
from threading import Lock
from urllib.parse import urlsplit

MASK = "***"
MIN_SECRET = 6
"""Shorter registered values are not masked verbatim (they would mask ordinary words)."""

_SECRETS: set[str] = set()
_LOCK = Lock()
_PATTERNS = [
    # Authorization: <anything> up to the end of the value (header dumps, repr'd dicts)
    (re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(?:bearer\s+|basic\s+)?[^\s'\",}]+"),
     rf"\1{MASK}"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"), rf"\1 {MASK}"),
    (re.compile(r"(?i)((?:api[_-]?key|x-api-key|access[_-]?token|token|secret|password)"
                r"['\"]?\s*[:=]\s*['\"]?)[^\s'\"&,}]+"), rf"\1{MASK}"),
    (re.compile(r"\b(sk|pk|rk|ak)-[A-Za-z0-9_-]{8,}"), MASK),
    # scheme://user:password@host -> scheme://***@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@'\"]+@"), rf"\1{MASK}@"),
]


def register_secret(value: str | None) -> None:
    """Mask `value` verbatim in everything `redact` sees from now on (this process)."""
    if value and len(value) >= MIN_SECRET:
        with _LOCK:
            _SECRETS.add(value)


def redact(text: str) -> str:
    with _LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def strip_userinfo(url: str) -> tuple[str, str | None]:
    """(the URL without user:password@, the userinfo or None)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, host = parts.netloc.rpartition("@")
    return parts._replace(netloc=host).geturl(), userinfo
