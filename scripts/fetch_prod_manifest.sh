#!/usr/bin/env bash
# Download production's manifest.json (the `prod-manifest` artifact the deploy job uploads) from
# the newest successful run of the dbt CI workflow on main, into DIR (the slim CI's --state).
# Needs the GitHub CLI and GH_TOKEN (GitHub Actions provides both). Without any such run yet (a
# new repository) it leaves DIR empty and says so; slim_ci.sh then refuses to build unless
# ALLOW_FULL_BUILD=1, in which case it builds everything.
#
#   scripts/fetch_prod_manifest.sh [DIR]      (default: prod-manifest)
set -euo pipefail

dir="${1:-prod-manifest}"
workflow="${WORKFLOW_FILE:-dbt_ci.yml}"
mkdir -p "$dir"

run_id="$(gh run list --workflow "$workflow" --branch main --status success --limit 1 \
    --json databaseId --jq '.[0].databaseId // empty')"
if [[ -z "$run_id" ]]; then
    echo "[fetch-prod-manifest] no successful run on main yet: no production manifest" >&2
    exit 0
fi
gh run download "$run_id" --name prod-manifest --dir "$dir"
echo "[fetch-prod-manifest] $dir/manifest.json from run $run_id"
