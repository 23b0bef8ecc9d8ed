#!/usr/bin/env bash
# Download an artifact of the dbt CI workflow's newest run on main that has it, into DIR:
# - prod-manifest (the default): production's manifest.json, which the deploy job uploads, from a
#   successful run; the slim CI's --state. Without one yet (a new repository) DIR stays empty
#   and slim_ci.sh refuses to build unless ALLOW_FULL_BUILD=1, in which case it builds everything.
# - alerts-ledger with RUN_STATUS=completed: the deploy's alert ledger (.alerts/), from the newest
#   finished run, failed ones included (a failing deploy is when incidents open), so that
#   `tools alert` resolves the incidents of earlier runs (docs/runbook.md).
# Needs the GitHub CLI and GH_TOKEN (GitHub Actions provides both).
#
#   scripts/fetch_artifact.sh [DIR] [ARTIFACT]     (defaults: prod-manifest prod-manifest)
#   RUN_STATUS=completed scripts/fetch_artifact.sh .alerts alerts-ledger
set -euo pipefail

dir="${1:-prod-manifest}"
artifact="${2:-prod-manifest}"
status="${RUN_STATUS:-success}"
workflow="${WORKFLOW_FILE:-dbt_ci.yml}"
mkdir -p "$dir"

for run_id in $(gh run list --workflow "$workflow" --branch main --status "$status" --limit 20 \
        --json databaseId --jq '.[].databaseId'); do
    if gh run download "$run_id" --name "$artifact" --dir "$dir" 2>/dev/null; then
        echo "[fetch-artifact] $artifact from run $run_id into $dir"
        exit 0
    fi
done
echo "[fetch-artifact] no $status run on main has $artifact yet: $dir left as it is" >&2
