# The two commands of the README: `make demo` and `make test`. Both build the
# virtual environment from scratch when it is missing or pyproject.toml changed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: demo test lint bench clean system-deps

demo: $(STAMP)
	$(BIN)/zhenggai demo

test: $(TSTAMP) system-deps
	$(BIN)/ruff check addin tests bench scripts
	$(BIN)/python -m pytest -n 2 -q

lint: $(TSTAMP)
	$(BIN)/ruff check addin tests bench scripts
	$(BIN)/ruff format --check addin tests bench scripts

bench: $(TSTAMP)
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_udfs.py
	$(BIN)/python bench/bench_ribbon.py
	$(BIN)/python bench/bench_upward.py

system-deps:
	@scripts/ensure-system-deps

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TSTAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) out build dist *.egg-info
