# Collective Bench: `make run` (set up, run the default suite, build the leaderboard) and
# `make test` (ruff, mypy, pytest). Both set up the environment first; nothing needs a key.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.install-stamp
export UV_COMPILE_BYTECODE := 1
export LITELLM_LOCAL_MODEL_COST_MAP := True
export HF_DATASETS_OFFLINE := 1
export HF_HUB_OFFLINE := 1

.PHONY: install run test test-slow lint typecheck pytest clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@test -x $(PY) || uv venv --quiet --python 3.11 $(VENV)
	uv pip install --quiet --python $(PY) -e '.[dev]'
	@touch $(STAMP)

run: install
	$(VENV)/bin/cbench run --preset quick --display plain
	$(VENV)/bin/cbench leaderboard build --results results --out site

lint: install
	$(VENV)/bin/ruff check collective_bench tests perf

typecheck: install
	$(VENV)/bin/mypy collective_bench

pytest: install
	$(VENV)/bin/pytest -q -n auto --dist worksteal -m "not slow"

# the end-to-end tests marked slow (subprocess CLIs, the real 0.5B model, Chromium, the fault
# and resume sweeps): CI runs them after `make test`
test-slow: install
	$(VENV)/bin/pytest -q -n auto --dist worksteal -m slow

test: lint typecheck pytest

clean:
	rm -rf $(VENV) site results/local .pytest_cache .mypy_cache .ruff_cache
