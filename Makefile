# The two commands of the README, and the steps they are made of.
#   make build   a fresh clone -> environment, raw data, the whole platform built on DuckDB
#   make test    every check and test (sets itself up when needed); CI runs this

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SCALE ?= 0.01
SEED ?= 42
STAMP := $(VENV)/.installed

.PHONY: setup build raw dbt-build full-tests test lint score pytest bench docs docs-serve metrics browser \
	dashboards dashboard-screenshots mermaid diagrams clean

# A line per phase, and scripts/heartbeat.py on the long quiet ones (the install, dbt's parse),
# so that no stretch of a first `make build` is silent for more than about ten seconds.
HEARTBEAT := $(PYTHON) scripts/heartbeat.py --every 10

# constraints.txt pins every transitive dependency to the versions the tests passed with.
$(STAMP): pyproject.toml constraints.txt
	@echo "[setup] creating the environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo "[setup] installing the pinned packages (constraints.txt; about 50 s on a fresh machine)"
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(HEARTBEAT) --label "installing pinned packages" -- $(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

build: setup raw dbt-build

raw: setup
	@echo "[raw] generating raw data for the six sources (scale $(SCALE), seed $(SEED))"
	$(BIN)/tools generate-raw --scale $(SCALE) --seed $(SEED)

# preflight: a missing, read-only or busy warehouse is one sentence, not dbt-duckdb's tracebacks
dbt-build: setup
	$(BIN)/tools preflight
	@echo "[dbt] parsing the project (about 20 s the first time), then building every node"
	$(HEARTBEAT) --label "dbt build" -- $(BIN)/dbt build

# The weekly job: every data test over whole tables; a daily `dbt build` tests what it wrote
# (docs/testing.md).
full-tests: setup
	$(BIN)/tools preflight
	$(BIN)/dbt build --vars '{full_tests: true}'

test: setup lint score pytest

lint: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pre-commit run --all-files --show-diff-on-failure

# dbt-score from its own environment, failing under [tool.dbt-score]'s project score (docs/checks.md)
score: setup
	PYTHON=$(PYTHON) scripts/dbt_score.sh

# Two workers, one test file each at a time (a file's module fixtures build one warehouse): most
# of a test's time is one dbt process, which uses one core at a time while it parses.
PYTEST_WORKERS ?= 2
pytest: setup browser mermaid
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

bench: setup
	$(BIN)/python benchmarks/bench_platform.py --scale $(SCALE)

docs: setup
	$(BIN)/dbt docs generate

# The Semantic Layer's definitions, then checked against the built warehouse (docs/metrics.md)
metrics: setup
	$(BIN)/dbt parse --quiet
	$(BIN)/mf validate-configs

# The docs site on http://localhost:$(DOCS_PORT); --no-browser: open it yourself (or forward the
# port from a remote machine). Ctrl-C stops it.
DOCS_PORT ?= 8080
docs-serve: docs
	$(BIN)/dbt docs serve --port $(DOCS_PORT) --no-browser

# Debian's chromium, for the dashboards' browser test and screenshots (scripts/install_chromium.sh)
browser:
	$(HEARTBEAT) --label "installing chromium" -- scripts/install_chromium.sh

# The three Sigma dashboards over the local warehouse (after `make build`), on
# http://localhost:$(DASHBOARDS_PORT), as AS_USER (a user of seeds/seed_user_region_access.csv; by
# default its admin first by name): `make dashboards AS_USER=MARIA_GARCIA` is a regional manager's view.
# Ctrl-C stops it (docs/dashboards.md).
DASHBOARDS_PORT ?= 8501
AS_USER ?=
dashboards: setup
	$(BIN)/tools dashboards serve --port $(DASHBOARDS_PORT) $(if $(AS_USER),--user $(AS_USER))

# A PNG of each dashboard page in docs/assets/dashboards (the README shows one), as AS_USER
dashboard-screenshots: setup browser
	$(BIN)/tools dashboards screenshot $(if $(AS_USER),--user $(AS_USER))

# Mermaid (pinned by scripts/diagrams/package-lock.json), which draws the pictures in chromium
MERMAID_JS := scripts/diagrams/node_modules/mermaid/dist/mermaid.min.js
mermaid: $(MERMAID_JS)
$(MERMAID_JS): scripts/diagrams/package.json scripts/diagrams/package-lock.json
	@echo "[diagrams] installing Mermaid (npm ci, scripts/diagrams)"
	npm ci --prefix scripts/diagrams --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(MERMAID_JS)

# The ERD of the marts and the lineage of the layers (docs/assets/*.svg, with their Mermaid text),
# from the manifest; a test fails when they no longer match it (tools diagrams --check)
diagrams: setup browser mermaid
	$(BIN)/dbt parse --quiet --target local
	$(BIN)/tools diagrams

clean:
	rm -rf target logs .warehouse

# --- CI (docs/ci.md) -------------------------------------------------------------------------
#   make prod-state [STATE=prod-manifest]   build "prod" (the local target), keep its manifest
#   make slim-ci [STATE=..] [TARGET=..]     lint, compile, build state:modified+ --defer, docs
#   make emulator-ci                        the project on the Snowflake emulator, vs DuckDB
STATE ?= prod-manifest
TARGET ?= local_ci

.PHONY: prod-state slim-ci emulator-ci

prod-state: setup
	$(BIN)/dbt build --target local
	mkdir -p $(STATE) && cp target/manifest.json $(STATE)/manifest.json

slim-ci: setup
	STATE="$(STATE)" TARGET="$(TARGET)" scripts/slim_ci.sh all

emulator-ci: setup
	scripts/emulator_ci.sh
