"""The distribution: one top-level import package, and dependencies equal to what is imported."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
OPTIONAL = {"local": {"xllamacpp"}}
"""Imports that only optional extras provide (the local llama.cpp server)."""


def _name(requirement: str) -> str:
    for sep in "<>=[ ;~!":
        requirement = requirement.split(sep)[0]
    return requirement.strip().lower().replace("_", "-")


def _imported_top_levels() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "collective_bench").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "collective_bench"}


def test_declared_dependencies_are_exactly_the_imported_ones() -> None:
    owners = packages_distributions()
    imported = _imported_top_levels() - set().union(*OPTIONAL.values())
    needed = {_name(dist) for module in imported for dist in owners.get(module, [module])}
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert needed - declared == set(), "imported but not declared"
    assert declared - needed == set(), "declared but never imported"
    extras = {_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["local"]}
    for module in OPTIONAL["local"]:
        assert _name(owners.get(module, [module])[0]) in extras


def test_the_wheel_installs_one_top_level_package_with_its_data(tmp_path: Path) -> None:
    uv = shutil.which("uv")
    assert uv, "uv builds the wheel; `make install` installs it"
    # --offline: the build backend comes from uv's cache (`make install` put it there); no
    # test may need the network
    subprocess.run([uv, "build", "--offline", "--wheel", "--out-dir", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"collective_bench"}
    for data in ("collective_bench/leaderboard/schema.yaml",
                 "collective_bench/leaderboard/templates/compare.js",
                 "collective_bench/benchmarks/conventions/README.md"):
        assert data in names
