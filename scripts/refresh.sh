#!/usr/bin/env bash
# A refresh outside dbt Cloud, as the production job runs it there (ops/dbt_cloud_jobs.yml):
# `dbt source freshness` first (recorded and alerted on, never blocking the build), then
# `dbt build`, then `tools alert` on both artifacts (ops/alerts.yml, docs/runbook.md). The
# GitHub deploy job calls it; so can a laptop. Its exit status is the build's: an alert that
# cannot be sent is reported and kept, never the pipeline's failure.
#
#   scripts/refresh.sh
#
# Environment:
#   TARGET             dbt target (default local; the deploy job: prod)
#   ALERT_ENVIRONMENT  the policy's routes (default: prod for the prod target, else dev)
#   BUILD_ARGS         more arguments for dbt build (default: --exclude-resource-type unit_test)
#   DBT, TOOLS         the executables (default: on PATH, else .venv/bin/)
#   DBT_TARGET_PATH, DBT_LOG_PATH   where dbt writes artifacts and logs (default: target/, logs/)
#   ALERTS_DIR         tools alert's ledger and undelivered messages (default: .alerts/)
#   SLACK_WEBHOOK_URL, PAGERDUTY_ROUTING_KEY, PAGERDUTY_EVENTS_URL   for tools alert
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
TARGET="${TARGET:-local}"
if [[ -z "${ALERT_ENVIRONMENT:-}" ]]; then
    if [[ "$TARGET" == prod ]]; then ALERT_ENVIRONMENT=prod; else ALERT_ENVIRONMENT=dev; fi
fi
BUILD_ARGS="${BUILD_ARGS:---exclude-resource-type unit_test}"
DBT="${DBT:-$(command -v dbt || echo "$here/.venv/bin/dbt")}"
TOOLS="${TOOLS:-$(command -v tools || echo "$here/.venv/bin/tools")}"
DBT_TARGET_PATH="${DBT_TARGET_PATH:-$here/target}"
DBT_LOG_PATH="${DBT_LOG_PATH:-$here/logs}"
ALERTS_DIR="${ALERTS_DIR:-$here/.alerts}"
paths=(--target "$TARGET" --target-path "$DBT_TARGET_PATH" --log-path "$DBT_LOG_PATH")

rm -f "$DBT_TARGET_PATH/sources.json" "$DBT_TARGET_PATH/run_results.json"
"$DBT" source freshness "${paths[@]}"
freshness=$?
# The build's run_results.json is the one to alert on: keep no freshness results under its name.
rm -f "$DBT_TARGET_PATH/run_results.json"
echo "refresh: dbt source freshness exited $freshness (a stale source is alerted on; the build runs)"

# shellcheck disable=SC2086  # BUILD_ARGS is a list of words
"$DBT" build "${paths[@]}" $BUILD_ARGS
build=$?

artifacts=()
[[ -f "$DBT_TARGET_PATH/run_results.json" ]] && artifacts+=(--run-results "$DBT_TARGET_PATH/run_results.json")
[[ -f "$DBT_TARGET_PATH/sources.json" ]] && artifacts+=(--sources "$DBT_TARGET_PATH/sources.json")
if (( ${#artifacts[@]} )); then
    "$TOOLS" alert "${artifacts[@]}" --environment "$ALERT_ENVIRONMENT" \
        --ledger "$ALERTS_DIR/ledger-$ALERT_ENVIRONMENT.json" --undelivered "$ALERTS_DIR/undelivered.jsonl"
    alerted=$?
    if (( alerted != 0 )); then
        echo "refresh: tools alert exited $alerted: see above; undelivered messages are in $ALERTS_DIR/undelivered.jsonl" >&2
    fi
else
    echo "refresh: dbt wrote no artifact to alert on (exit $build)" >&2
fi
exit "$build"
