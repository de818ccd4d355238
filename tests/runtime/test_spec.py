"""Typed task parameters and the checks a task declaration makes of itself."""

from __future__ import annotations

import math

import pytest

from collective_bench.errors import UserError
from collective_bench.spec import Metric, Param, protocol_digest

N_AGENTS = Param("n_agents", int, 24, "agents in the population", low=2, high=4096)
MEMORY = Param("memory", int, 5, "rounds each agent remembers", low=1)
RATE = Param("impact", float, 3.0, "tokens taken per point", low=0)
FOCAL = Param("n_focal", int, None, "agents played by the model under test", low=1,
              optional=True)
FRACTIONS = Param("fractions", float, "0.1,0.2", "committed fractions", low=0, high=0.99,
                  many=True)
TOPOLOGY = Param("topology", str, "well_mixed", "who meets whom",
                 choices=("well_mixed", "ring"))


@pytest.mark.parametrize(("param", "raw", "expected"), [
    (N_AGENTS, "12", 12), (N_AGENTS, 12, 12), (N_AGENTS, 12.0, 12),
    (RATE, "2", 2.0), (RATE, 0, 0.0), (FOCAL, None, None), (FOCAL, "none", None),
    (FRACTIONS, "0.1, 0.3", [0.1, 0.3]), (FRACTIONS, [0.2], [0.2]), (FRACTIONS, 0.25, [0.25]),
    (TOPOLOGY, "ring", "ring"),
])
def test_good_values_are_coerced(param: Param, raw: object, expected: object) -> None:
    assert param.coerce(raw) == expected


@pytest.mark.parametrize(("param", "raw", "message"), [
    (N_AGENTS, "abc", "-T n_agents must be a whole number, got 'abc'"),
    (MEMORY, 2.5, "-T memory must be a whole number, got 2.5"),
    (MEMORY, "0", "-T memory must be a whole number >= 1, got '0'"),
    (RATE, "nan", "-T impact must be a number and finite, got 'nan'"),
    (RATE, math.inf, "must be a number and finite"),
    (N_AGENTS, 10_000_000, "-T n_agents must be a whole number <= 4096, got 10000000"),
    (FOCAL, [1, 2], "-T n_focal must be a whole number, got [1, 2]"),
    (N_AGENTS, None, "-T n_agents needs a value"),
    (FRACTIONS, "", "needs at least one value"),
    (FRACTIONS, "0.1,1.5", "<= 0.99, got '1.5'"),
    (TOPOLOGY, "torus", "-T topology must be one of well_mixed, ring, got 'torus'"),
])
def test_bad_values_get_one_line_naming_the_fix(param: Param, raw: object, message: str) -> None:
    with pytest.raises(UserError) as caught:
        param.coerce(raw)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_metric_declaration_refuses_what_cannot_be_ranked() -> None:
    with pytest.raises(ValueError, match="unknown direction"):
        Metric("x", "X", "x", "up", "real", "f")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="never ranked"):
        Metric("x_pvalue", "p", "p", "lower", "bounded", "f", pvalue_of="x")


def test_protocol_digest_ignores_how_much_was_run_but_not_what() -> None:
    base = {"n_agents": 24, "episodes": 6, "seed": 0, "cache": False}
    digest = protocol_digest("t", "1.0.0", base, {"temperature": 0.5}, {})
    assert digest == protocol_digest("t", "1.0.0", {**base, "episodes": 9, "seed": 3},
                                     {"temperature": 0.5}, {})
    assert digest != protocol_digest("t", "1.0.0", {**base, "n_agents": 12},
                                     {"temperature": 0.5}, {})
    assert digest != protocol_digest("t", "1.0.0", base, {"temperature": 1.0}, {})
    assert digest != protocol_digest("t", "1.0.0", base, {"temperature": 0.5},
                                     {"background": "reference/textbook"})
    assert digest != protocol_digest("t", "1.1.0", base, {"temperature": 0.5}, {})


def test_importing_the_package_sets_no_environment_variable() -> None:
    import subprocess
    import sys

    code = ("import os; before = dict(os.environ); import collective_bench, "
            "collective_bench.spec, collective_bench.registry; "
            "print(sorted(set(os.environ.items()) ^ set(before.items())))")
    env = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "[]"
