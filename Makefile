# Annuaire — the two commands of the README, and a few more.
#   make run    set up, generate and index the demonstration data once, serve on http://127.0.0.1:8000
#   make test   set up and run the whole test suite (starts Elasticsearch and installs chromium)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_SIZE ?= 50000
DEMO_SEED ?= 2026
INSTANCE ?= instance
DEMO_DATA := $(INSTANCE)/demo/practitioners.jsonl
DEMO_INDEX := $(INSTANCE)/annuaire.sqlite3
ANNUAIRE_BACKEND ?= sqlite://$(DEMO_INDEX)
export ANNUAIRE_BACKEND

.PHONY: run test setup bench clean-demo serve-prod

$(BIN)/annuaire: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/annuaire

$(DEMO_DATA): | $(BIN)/annuaire
	$(BIN)/annuaire generate --size $(DEMO_SIZE) --seed $(DEMO_SEED) --out $(dir $(DEMO_DATA))

run: $(BIN)/annuaire $(DEMO_DATA)
	$(BIN)/annuaire index $(DEMO_DATA) --demo --if-empty
	$(BIN)/annuaire serve --host $(HOST) --port $(PORT)

# Production server (gunicorn, see gunicorn.conf.py) on the index named by ANNUAIRE_BACKEND.
serve-prod: $(BIN)/annuaire
	ANNUAIRE_BIND=$${ANNUAIRE_BIND:-$(HOST):$(PORT)} $(BIN)/gunicorn -c gunicorn.conf.py 'api.app:create_app()'

test: $(BIN)/annuaire
	bash scripts/run_tests.sh

clean-demo:
	rm -rf $(INSTANCE)/demo $(DEMO_INDEX)

bench: $(BIN)/annuaire
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	bash scripts/run_bench.sh
