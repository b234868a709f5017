# TalentSync — `make up` runs the product, `make test` runs every test. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NPM := npm --prefix frontend --no-audit --no-fund --loglevel=error

.PHONY: up test test-fast lint bench install frontend chromium clean-data help resync-vectors chaos

help:
	@echo "make up      - install what is missing, start the whole product on 127.0.0.1 (Ctrl-C stops it)"
	@echo "make test    - install what is missing and run every test (unit, integration, slow, browser)"
	@echo "make lint    - ruff + mypy"
	@echo "make bench   - benchmarks; figures printed and written to bench/results/*.json"
	@echo "make chaos   - kill and restart every server under live interviews, abuse the API; bench/results/chaos.json"
	@echo "make resync-vectors - re-embed the question bank into the vector store (ARGS=--wipe to start clean)"

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	@echo "==> creating virtualenv $(VENV)"
	$(PYTHON) -m venv $(VENV)

# pip reinstalls only when the pinned dependencies change.
$(STAMP): pyproject.toml requirements.lock | $(PY)
	@echo "==> installing Python dependencies (first run: a few minutes; torch is the pinned CPU build)"
	$(PY) -m pip install --progress-bar on -q --upgrade pip
	$(PY) -m pip install --progress-bar on -c requirements.lock -e '.[dev]'
	@touch $@

install: $(STAMP)

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	@echo "==> installing web app dependencies"
	$(NPM) ci
	@touch $@

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(shell find frontend/src frontend/index.html frontend/vite.config.ts -type f 2>/dev/null)
	@echo "==> building the web app"
	$(NPM) run build

frontend: frontend/dist/index.html

chromium:
	@bash scripts/ensure-chromium.sh

up: install frontend
	@$(PY) -m devstack

test: install frontend chromium
	@echo "==> web app unit tests (vitest)"
	@$(NPM) test -- --reporter=dot
	@echo "==> Python, integration, slow and browser tests (pytest)"
	@timeout -k 60 2700 $(PY) -m pytest -q

test-fast: install
	@$(PY) -m pytest -q -m "not slow" --ignore=tests/browser

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy talentsync api activities workflows devstack worker.py

# The chaos and abuse suite (bench/chaos): its own stack on 127.0.0.1, ~15 minutes.
chaos: install
	$(PY) -m bench.chaos

bench: install
	$(PY) bench/run_all.py
	$(PY) bench/readme_figures.py

# Re-embed the question bank from PostgreSQL into the configured vector store (Pinecone when
# PINECONE_API_KEY/PINECONE_HOST are set). ARGS=--wipe empties the namespaces first.
resync-vectors: install
	$(PY) -m talentsync.vectors.resync $(ARGS)

clean-data:
	rm -rf .data
