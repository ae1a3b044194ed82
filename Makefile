# CCM Workbench. Two commands after cloning:
#   make demo   install everything, create a demo database and serve the dashboards
#   make test   install everything (venv, Python packages, Debian's postgresql and chromium) and run every test

VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

.PHONY: install system-deps demo test test-store bench help

help:
	@echo "make demo    install and start the demo workbench on http://127.0.0.1:8866/"
	@echo "make test    install everything and run every test"
	@echo "make bench   run the benchmarks (figures go in docs/performance.md)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

system-deps:
	bash scripts/system-deps.sh

# e.g. make demo DEMO_ARGS="--today 2026-12-01 --port 8870"
DEMO_ARGS ?=

demo: install
	$(VENV)/bin/workbench demo $(DEMO_ARGS)

test: install system-deps
	$(PY) -m pytest tests/store -v
	$(PY) -m pytest tests --ignore=tests/store -q

bench: install system-deps
	$(PY) benchmarks/bench_store.py
	$(PY) benchmarks/bench_month.py
	$(PY) benchmarks/bench_panel.py
	$(PY) benchmarks/bench_dashboard.py
	$(PY) benchmarks/bench_cli.py
