#!/usr/bin/env bash
# dbt-score over the project's manifest, as an outside judge of its metadata (docs/checks.md):
# descriptions, tests, owners, SQL size. It runs from its own environment (.venv-score, pinned by
# lint/dbt-score-constraints.txt), apart from the project's, and fails below the project score
# that [tool.dbt-score] in pyproject.toml sets.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
PYTHON="${PYTHON:-python3}"
venv="$here/.venv-score"
stamp="$venv/.installed"
if [[ ! -f "$stamp" || "$stamp" -ot lint/dbt-score-constraints.txt ]]; then
    echo "[score] installing dbt-score into .venv-score (its own environment)"
    "$PYTHON" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet -c lint/dbt-score-constraints.txt dbt-score
    touch "$stamp"
fi
echo "[score] parsing the project for its manifest"
.venv/bin/dbt parse --quiet --target-path target/score
echo "[score] dbt-score lint (threshold: [tool.dbt-score] in pyproject.toml)"
exec "$venv/bin/dbt-score" lint --manifest target/score/manifest.json --show failing-items
