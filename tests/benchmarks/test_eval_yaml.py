"""Every task folder's eval.yaml agrees with the task registry.

The eval.yaml files are what researchers read and cite; the registry and the @task signatures are
what actually runs. For every registered task this checks that its folder's eval.yaml lists it
with the same version, family, headline, metrics (same set, same order) and parameters (same
names, defaults and types as the @task signature), and that no eval.yaml lists a task that is not
registered.
"""

from __future__ import annotations

import inspect as pyinspect
from pathlib import Path
from typing import Any

import pytest
import yaml

import benchmarks  # noqa: F401 - importing registers every task
from benchmarks.registry import TaskEntry, all_tasks

BENCHMARKS_DIR = Path(benchmarks.__file__).resolve().parent
REQUIRED_KEYS = ("name", "title", "version", "family", "parameters", "metrics", "headline",
                 "references")


def _eval_yaml_files() -> list[Path]:
    return sorted(BENCHMARKS_DIR.glob("*/eval.yaml"))


def _load(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("tasks"), list), (
        f"{path}: expected a mapping with a top-level 'tasks:' list"
    )
    for i, item in enumerate(data["tasks"]):
        assert isinstance(item, dict), f"{path}: tasks[{i}] is not a mapping"
        missing = [k for k in REQUIRED_KEYS if k not in item]
        assert not missing, f"{path}: task {item.get('name', i)!r} lacks keys {missing}"
    return list(data["tasks"])


def _yaml_tasks() -> dict[str, tuple[Path, dict[str, Any]]]:
    """task name -> (the eval.yaml that lists it, its entry); duplicates fail."""
    out: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in _eval_yaml_files():
        for item in _load(path):
            name = item["name"]
            assert name not in out, f"task {name!r} is listed in both {out[name][0]} and {path}"
            out[name] = (path, item)
    return out


def _typed(params: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """Values with their types, so that 0 == False or 24.0 == 24 cannot pass as equal."""
    return {k: (type(v).__name__, v) for k, v in params.items()}


def _task_dir(entry: TaskEntry) -> Path:
    """The folder of the file that defines the task (through inspect's @task wrapper)."""
    return Path(pyinspect.getfile(pyinspect.unwrap(entry.build))).resolve().parent


def _entry_for(entry: TaskEntry) -> dict[str, Any]:
    path = _task_dir(entry) / "eval.yaml"
    assert path.is_file(), f"task {entry.name!r} has no eval.yaml in {_task_dir(entry)}"
    listed = {item["name"]: item for item in _load(path)}
    assert entry.name in listed, f"task {entry.name!r} is registered but not listed in {path}"
    return listed[entry.name]


def test_registry_and_eval_yaml_files_are_not_empty() -> None:
    assert all_tasks(), "no task is registered"
    assert _eval_yaml_files(), f"no eval.yaml under {BENCHMARKS_DIR}"


@pytest.mark.parametrize("entry", all_tasks(), ids=lambda e: e.name)
def test_eval_yaml_matches_registry(entry: TaskEntry) -> None:
    item = _entry_for(entry)
    assert item["family"] == entry.family
    assert isinstance(item["version"], str), "version must be a string (quote it in YAML)"
    assert item["version"] == entry.version
    assert isinstance(item["title"], str) and item["title"].strip()

    metrics = item["metrics"]
    assert isinstance(metrics, list)
    assert len(metrics) == len(set(metrics)), f"duplicate metrics in eval.yaml: {metrics}"
    assert set(metrics) == set(entry.metrics)
    assert metrics == list(entry.metrics), "metrics are listed in a different order"
    assert item["headline"] == entry.headline
    assert entry.headline in metrics

    params = item["parameters"]
    assert isinstance(params, dict)
    assert _typed(params) == _typed(entry.parameters())

    refs = item["references"]
    assert isinstance(refs, list) and refs and all(isinstance(r, str) and r for r in refs)


def test_every_eval_yaml_task_is_registered() -> None:
    registered = {e.name: e for e in all_tasks()}
    for name, (path, item) in _yaml_tasks().items():
        assert name in registered, f"{path} lists {name!r}, which is not a registered task"
        source_dir = _task_dir(registered[name])
        assert path.resolve().parent == source_dir, (
            f"{name!r} is listed in {path} but its task is defined in {source_dir}"
        )
        assert item["family"] == registered[name].family, f"{path}: wrong family for {name!r}"
