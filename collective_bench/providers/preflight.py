"""Checks before the first paid call: the key is there, the endpoint answers.

A sweep that dies on its first call after minutes of setup, or retries a refused connection for
an hour, is the failure users hate most; these checks turn both into one line before anything
starts.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit
from urllib.request import getproxies_environment, proxy_bypass_environment  # type: ignore[attr-defined]

from collective_bench.errors import UserError


def proxy_for(base_url: str) -> str | None:
    """The HTTP(S)_PROXY that requests to `base_url` go through (NO_PROXY respected), if any:
    the same environment aiohttp (`trust_env`) and litellm's httpx read."""
    parts = urlsplit(base_url)
    proxies = getproxies_environment()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or (parts.hostname and proxy_bypass_environment(parts.hostname, proxies)):
        return None
    return proxy


def check_reachable(base_url: str, timeout: float = 3.0) -> None:
    """A TCP connection to the endpoint, or to its proxy when one applies: an endpoint that only
    the proxy can reach (its name may not even resolve here) is not refused."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"--model-base-url {redact_url(base_url)!r} is not an http(s) URL")
    proxy = proxy_for(base_url)
    target = urlsplit(proxy if "://" in (proxy or "") else f"http://{proxy}") if proxy else parts
    port = target.port or (443 if target.scheme == "https" else 80)
    try:
        with socket.create_connection((target.hostname or "", port), timeout=timeout):
            pass
    except OSError as error:
        through = f" through proxy {redact_url(proxy)}" if proxy else ""
        raise UserError(
            f"cannot reach {redact_url(base_url)}{through} ({error.strerror or error}); start "
            "the server, fix --model-base-url or the HTTP(S)_PROXY/NO_PROXY settings"
        ) from None


def check_litellm_key(model: str, base_url: str | None) -> None:
    """litellm/<model> needs its provider's key unless it talks to a local base URL."""
    if base_url is not None:
        return
    from collective_bench.providers.litellm_api import _import_litellm

    try:
        env = _import_litellm().validate_environment(model)
    except Exception as error:  # noqa: BLE001 - unknown provider prefixes raise plain errors
        raise UserError(f"litellm does not know model {model!r}: {error}") from None
    missing = env.get("missing_keys") or []
    if missing:
        raise UserError(
            f"model 'litellm/{model}' needs {', '.join(missing)} in the environment; "
            "export it (keys are never written to logs or results)"
        )


def redact_url(url: str) -> str:
    """A URL without any user:password part."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        return parts._replace(netloc=f"***@{netloc}").geturl()
    return url
