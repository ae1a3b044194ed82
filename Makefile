# CCM Workbench. Two commands after cloning:
#   make demo   install everything, create a demo database and serve the dashboards
#   make test   install everything (venv, Python packages, Debian's postgresql and chromium) and run every test,
#               the guards too (layer contracts, no insert outside the store, schema vs migrations, ruff, mypy)

VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

.PHONY: install system-deps demo test test-fast test-store screenshots bench help

help:
	@echo "make demo    install and start the demo workbench on http://127.0.0.1:8866/"
	@echo "make test    install everything and run every test (guards, ruff and mypy included)"
	@echo "make test-fast   the tests without a browser, PostgreSQL or slow marks (a quick check)"
	@echo "make test-store  the store's tests on SQLite and PostgreSQL"
	@echo "make screenshots copy the browser tests' screenshots (build/screenshots) to docs/screenshots"
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

# No browser, no PostgreSQL, nothing marked slow (markers: pyproject.toml; `postgres` is set by
# tests/conftest.py on every test that needs the server).
test-fast: install
	$(PY) -m pytest tests -q -m "not browser and not slow and not postgres" \
		--ignore=tests/ui/test_browser.py --ignore=tests/training_ui/test_browser.py --ignore=tests/deploy

test-store: install system-deps
	$(PY) -m pytest tests/store -v

# The browser tests write their screenshots to build/screenshots/; docs/screenshots/ changes only here.
screenshots:
	mkdir -p docs/screenshots
	cp build/screenshots/*.png docs/screenshots/

bench: install system-deps
	$(PY) benchmarks/bench_store.py
	$(PY) benchmarks/bench_month.py
	$(PY) benchmarks/bench_panel.py
	$(PY) benchmarks/bench_dashboard.py
	$(PY) benchmarks/bench_cli.py
