#!/usr/bin/env bash
# Slim CI, as the SDD's "CI/CD Workflow" runs it: lint, compile, build only what changed (and its
# children) deferring everything else to production, generate the docs. The GitHub Actions
# workflow (.github/workflows/dbt_ci.yml) calls this script, step by step; `make slim-ci` runs it
# whole. docs/ci.md explains it.
#
#   scripts/slim_ci.sh [all|lint|compile|build|docs]      (default: all)
#
# Environment:
#   STATE        directory holding production's manifest.json (required for build; lint uses it
#                to lint only the modified models and lints every model without it)
#   TARGET       dbt target of the CI run (default local_ci: DuckDB, deferring to the `local`
#                warehouse as "prod"; on GitHub Actions: ci, on Snowflake)
#   ALLOW_FULL_BUILD=1  without a production manifest (a repository's first run), build
#                everything instead of failing
#   DBT          the dbt executable (default: dbt on PATH, else .venv/bin/dbt)
#   SQLFLUFF     the sqlfluff executable (default: sqlfluff on PATH, else .venv/bin/sqlfluff)
#   PROJECT_DIR  the dbt project (default: this repository)
#   DBT_TARGET_PATH, DBT_LOG_PATH   where dbt writes artifacts and logs (default: target/, logs/);
#                the build's run_results.json is kept as build_run_results.json (docs rewrites it)
#   FIELDFORCE_WAREHOUSE_DIR, FIELDFORCE_CI_DIR   for local_ci: prod's DuckDB files, the CI's own
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT_DIR="${PROJECT_DIR:-$here}"
TARGET="${TARGET:-local_ci}"
STATE="${STATE:-}"
DBT_TARGET_PATH="${DBT_TARGET_PATH:-$PROJECT_DIR/target}"
DBT_LOG_PATH="${DBT_LOG_PATH:-$PROJECT_DIR/logs}"
step="${1:-all}"

find_tool() {  # an executable on PATH, else the repository's venv
    if command -v "$1" >/dev/null 2>&1; then command -v "$1"; else echo "$here/.venv/bin/$1"; fi
}
DBT="${DBT:-$(find_tool dbt)}"
SQLFLUFF="${SQLFLUFF:-$(find_tool sqlfluff)}"

cd "$PROJECT_DIR"
export DBT_TARGET_PATH DBT_LOG_PATH
if [[ "$TARGET" == "local_ci" ]]; then
    export FIELDFORCE_CI_DIR="${FIELDFORCE_CI_DIR:-$PROJECT_DIR/.warehouse/ci}"
    mkdir -p "$FIELDFORCE_CI_DIR"
fi

say() { printf '[slim-ci] %s\n' "$*"; }

state_manifest() {
    [[ -n "$STATE" ]] || { echo "slim_ci.sh: STATE (production's manifest directory) is not set" >&2; exit 2; }
    [[ -f "$STATE/manifest.json" ]] || { echo "slim_ci.sh: no manifest.json in $STATE" >&2; exit 2; }
}

lint() {
    local files=()
    if [[ -n "$STATE" && -f "$STATE/manifest.json" ]]; then
        # The modified models' own files, as dbt sees them (`ls` compiles nothing and connects to
        # nothing; the local target renders without credentials).
        mapfile -t files < <("$DBT" ls --quiet --target local --state "$STATE" --select state:modified \
            --resource-type model --output path | grep '\.sql$' || true)
        say "lint: ${#files[@]} modified model(s) ${files[*]:-}"
        [[ ${#files[@]} -gt 0 ]] || return 0
    else
        say "lint: no production manifest, every model"
        files=(models)
    fi
    "$SQLFLUFF" lint --processes 1 --disable-progress-bar "${files[@]}"
}

compile() {
    say "compile (target $TARGET)"
    "$DBT" compile --target "$TARGET"
}

build() {
    if [[ "${ALLOW_FULL_BUILD:-0}" == "1" && ! -f "${STATE:-.}/manifest.json" ]]; then
        say "build: no production manifest yet, so everything (target $TARGET)"
        "$DBT" build --target "$TARGET" --vars "{full_tests: true}"
        keep_build_results
        return
    fi
    state_manifest
    say "build state:modified+ (target $TARGET), deferring the rest to $STATE"
    "$DBT" build --target "$TARGET" --select state:modified+ --defer --state "$STATE" --vars "{full_tests: true}"
    keep_build_results
}

keep_build_results() {  # `docs generate` rewrites run_results.json; the build's is the one to keep
    cp "$DBT_TARGET_PATH/run_results.json" "$DBT_TARGET_PATH/build_run_results.json"
}

docs() {
    say "docs generate (target $TARGET)"
    "$DBT" docs generate --target "$TARGET"
}

case "$step" in
    all) lint; compile; build; docs ;;
    lint) lint ;;
    compile) compile ;;
    build) build ;;
    docs) docs ;;
    *) echo "usage: $0 [all|lint|compile|build|docs]" >&2; exit 2 ;;
esac
