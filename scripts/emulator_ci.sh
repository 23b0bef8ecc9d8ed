#!/usr/bin/env bash
# The project on the Snowflake emulator (fakesnow, tools/emulator; docs/ci.md): generate raw
# data, `dbt build` on the emulator and on DuckDB, a `tools sync` batch, an incremental build on
# both, then every table compared row for row. Always under a timeout: the Snowflake connector
# retries a failing server for minutes.
#
#   scripts/emulator_ci.sh [WORKDIR]      (default: a new temporary directory)
#
# Environment: EMULATOR_SCALE (0.002), EMULATOR_SEED (3), EMULATOR_SYNCS (3),
#              EMULATOR_TIMEOUT seconds for the whole run (1800), PYTHON (.venv/bin/python).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$here/.venv/bin/python}"
[[ -x "$PYTHON" ]] || PYTHON="$(command -v python)"
workdir="${1:-$(mktemp -d -t fieldforce-emulator-XXXXXX)}"

echo "[emulator-ci] working in $workdir"
cd "$here"
exec timeout --kill-after=30 "${EMULATOR_TIMEOUT:-1800}" "$PYTHON" -m tools.emulator build \
    --workdir "$workdir" --scale "${EMULATOR_SCALE:-0.002}" --seed "${EMULATOR_SEED:-3}" \
    --syncs "${EMULATOR_SYNCS:-3}"
