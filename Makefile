# Two entry points: `make run` (the flagship comparison) and `make test` (lint + every test).
# Both create .venv with Python >= 3.12 (.python-version pins 3.12 for pyenv) on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint browser benchmark

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "orgsim needs Python >= 3.12; set PYTHON=python3.12 (or use pyenv: .python-version)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/orgsim run scenarios/compare-policies.yaml --force

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Browser tests need Debian's Chromium and chromedriver (installed here when missing; needs root).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver; }

test: lint browser
	$(BIN)/pytest -n auto

benchmark: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_model.py
