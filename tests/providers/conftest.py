"""A local reference server per test (real HTTP on 127.0.0.1, a free port)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import collective_bench.benchmarks  # noqa: F401 - registers the reference policies
from collective_bench.providers.reference_server import Faults, ReferenceServer


@pytest.fixture
def serve() -> Iterator:
    servers: list[ReferenceServer] = []

    def start(**kwargs) -> ReferenceServer:
        faults = kwargs.pop("faults", None)
        server = ReferenceServer(faults=faults or Faults(), **kwargs).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
