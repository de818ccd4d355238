"""Fixtures shared by the leaderboard tests: synthetic rows, never eval logs."""

from __future__ import annotations

import pytest

from collective_bench.results_schema import ResultRow

from . import samples


@pytest.fixture(name="make_row")
def make_row_fixture() -> samples.RowFactory:
    return samples.make_row


@pytest.fixture(name="sample_rows")
def sample_rows_fixture() -> list[ResultRow]:
    return samples.sample_rows()
