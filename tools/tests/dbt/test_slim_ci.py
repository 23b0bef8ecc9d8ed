"""Slim CI (scripts/slim_ci.sh, docs/ci.md) on DuckDB: a pull request changes one model, and CI
builds that model and its children only, reading every unchanged parent from production.

"Production" is a copy of the project built with the `local` target, and its manifest; the pull
request is the same copy with one model changed, built with the `local_ci` target. (A copy, not
the session's `built` warehouse: files edited in the checkout meanwhile would count as modified.)
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from tools.tests.conftest import AS_OF, E2E_SCALE, E2E_SEED, PROJECT_ROOT, Warehouse

SCRIPT = PROJECT_ROOT / "scripts" / "slim_ci.sh"
WORKFLOW = PROJECT_ROOT / ".github" / "workflows" / "dbt_ci.yml"
CHANGED = "int_service_catalog"
CHANGED_FILE = Path("models/intermediate/int_operations/int_service_catalog.sql")
COPY_IGNORE = shutil.ignore_patterns(".venv", ".git", "target", "logs", ".warehouse", "dbt_packages", "*.duckdb",
                                     "*.duckdb.wal", "__pycache__", ".mypy_cache", ".pytest_cache", "prod-manifest",
                                     "*.egg-info")


def dbt_bin() -> str:
    return str(Path(sys.executable).with_name("dbt"))


@pytest.fixture(scope="module")
def slim_ci_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("slim_ci")
    # The project as it is now, copied once: "prod" and the pull request start from the same files.
    project = root / "project"
    shutil.copytree(PROJECT_ROOT, project, ignore=COPY_IGNORE)

    # Production: the `local` target's warehouse, built from the copy, and its manifest.
    prod = Warehouse(root / "prod")
    prod_env = dict(prod.env)
    run = functools.partial(subprocess.run, cwd=project, env=prod_env, capture_output=True, text=True, check=False)
    generated = run([sys.executable, "-m", "tools.cli", "generate-raw", "--scale", str(E2E_SCALE), "--seed",
                     str(E2E_SEED), "--as-of", AS_OF.isoformat(), "--quiet"])
    assert generated.returncode == 0, generated.stderr
    prod_build = run([dbt_bin(), "build", "--target", "local", "--target-path", str(root / "prod_target"),
                      "--log-path", str(root / "prod_logs")])
    assert prod_build.returncode == 0, prod_build.stdout[-4000:]
    state = root / "prod-manifest"
    state.mkdir()
    shutil.copy(root / "prod_target" / "manifest.json", state / "manifest.json")

    # The pull request: one model changed.
    model = project / CHANGED_FILE
    model.write_text(model.read_text().replace(
        "with\n", "-- a pull request's change: only this model and its children are rebuilt\nwith\n", 1))

    env = dict(prod_env)
    env.update({
        "PROJECT_DIR": str(project),
        "STATE": str(state),
        "TARGET": "local_ci",
        "FIELDFORCE_WAREHOUSE_DIR": str(prod.root / "warehouse"),  # prod's files, attached read-only
        "FIELDFORCE_CI_DIR": str(root / "ci"),
        "DBT_TARGET_PATH": str(root / "ci_target"),
        "DBT_LOG_PATH": str(root / "ci_logs"),
        "DBT": dbt_bin(),
        "SQLFLUFF": str(Path(sys.executable).with_name("sqlfluff")),
    })
    env.pop("DBT_TARGET", None)
    result = subprocess.run(["bash", str(SCRIPT), "all"], env=env, capture_output=True, text=True, timeout=900,
                            check=False)
    assert result.returncode == 0, f"{result.stdout[-6000:]}\n{result.stderr[-3000:]}"

    # What a pull request touching the model should build: the model and its descendants.
    listed = subprocess.run(
        [dbt_bin(), "ls", "--quiet", "--target", "local", "--select", f"{CHANGED}+", "--resource-type", "model",
         "--output", "name", "--target-path", str(root / "ls_target"), "--log-path", str(root / "ls_logs")],
        cwd=project, env=env, capture_output=True, text=True, check=True,
    )
    return {
        "stdout": result.stdout,
        "run_results": json.loads((root / "ci_target" / "build_run_results.json").read_text()),
        "expected_models": set(listed.stdout.split()),
        "ci_file": root / "ci" / "analytics_ci.duckdb",
        # what the build ran (`docs generate` later recompiles compiled/ without deferral)
        "compiled": root / "ci_target" / "run" / "dbt_fieldforce" / CHANGED_FILE,
        "target": root / "ci_target",
    }



@pytest.mark.e2e
def test_only_the_changed_model_and_its_children_are_built(slim_ci_run: dict) -> None:
    results = slim_ci_run["run_results"]["results"]
    built_models = {r["unique_id"].split(".")[-1] for r in results if r["unique_id"].startswith("model.")}
    expected = slim_ci_run["expected_models"]
    assert CHANGED in expected and len(expected) > 1  # the model has children, so the test means something
    assert built_models == expected
    # everything passed (an exposure downstream is reported, as a no-op)
    assert all(r["status"] in ("success", "pass", "no-op") for r in results), [
        (r["unique_id"], r["status"]) for r in results if r["status"] not in ("success", "pass", "no-op")]
    # the data tests that ran are the built models' own: nothing else was tested
    tests = [r["unique_id"] for r in results if r["unique_id"].startswith(("test.", "unit_test."))]
    assert tests
    assert not any(r["unique_id"].startswith(("seed.", "snapshot.")) for r in results)


@pytest.mark.e2e
def test_unchanged_parents_are_read_from_prod(slim_ci_run: dict) -> None:
    compiled = slim_ci_run["compiled"].read_text()
    # the parent is production's relation (the `local` warehouse, attached as `analytics`) ...
    assert '"analytics"."main_staging"."stg_postgres__service_types"' in compiled
    assert '"analytics"."main_seeds"."seed_service_categories"' in compiled
    # ... and was never built in the CI database, which holds exactly the rebuilt models
    con = duckdb.connect(str(slim_ci_run["ci_file"]), read_only=True)
    try:
        relations = {name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'analytics_ci'").fetchall()}
        schemas = {s for (s,) in con.execute(
            "select schema_name from information_schema.schemata where catalog_name = 'analytics_ci'").fetchall()}
    finally:
        con.close()
    # beside them only the run's bookkeeping: which raw data set each incremental model holds, and
    # the run history its hooks record (macros/run_history/)
    bookkeeping = {"_fieldforce_raw_generations", "dbt_invocations", "dbt_node_results"}
    assert relations - bookkeeping == slim_ci_run["expected_models"]
    assert "ci_staging" not in schemas and "ci_seeds" not in schemas


@pytest.mark.e2e
def test_every_step_ran_and_docs_were_generated(slim_ci_run: dict) -> None:
    out = slim_ci_run["stdout"]
    for step in ("lint: 1 modified model(s)", "compile (target local_ci)", "build state:modified+",
                 "docs generate"):
        assert f"[slim-ci] {step}" in out
    assert (slim_ci_run["target"] / "catalog.json").exists()


def test_slim_ci_without_state_refuses_to_build(tmp_path: Path) -> None:
    env = dict(os.environ, STATE="", ALLOW_FULL_BUILD="0", DBT_TARGET_PATH=str(tmp_path / "t"), DBT_LOG_PATH=str(tmp_path / "l"))
    result = subprocess.run(["bash", str(SCRIPT), "build"], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "STATE" in result.stderr


def _steps(job: dict) -> list[str]:
    return [step.get("run", "") for step in job.get("steps", [])]


def test_the_workflow_runs_the_same_scripts_as_make() -> None:
    """The GitHub Actions workflow mirrors the SDD's (lint -> build -> docs, deploy on main) and
    calls the repository's scripts, so what CI runs is what `make slim-ci` runs."""
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"pull_request", "push"} <= set(triggers)
    jobs = workflow["jobs"]
    assert {"lint", "build", "docs", "deploy", "emulator"} <= set(jobs)

    def needs(name: str) -> set[str]:
        value = jobs[name].get("needs", [])
        return {value} if isinstance(value, str) else set(value)

    assert needs("build") == {"lint"} and "build" in needs("docs") and "build" in needs("deploy")
    assert "main" in jobs["deploy"]["if"]
    runs = {name: "\n".join(_steps(job)) for name, job in jobs.items()}
    assert "scripts/slim_ci.sh lint" in runs["lint"]
    assert "scripts/slim_ci.sh compile" in runs["build"] and "scripts/slim_ci.sh build" in runs["build"]
    assert "scripts/slim_ci.sh docs" in runs["docs"]
    assert "make emulator-ci" in runs["emulator"]  # the Makefile runs scripts/emulator_ci.sh (below)
    assert "scripts/refresh.sh" in runs["deploy"]
    assert any(step.get("env", {}).get("TARGET") == "prod" and "scripts/refresh.sh" in step.get("run", "")
               for step in jobs["deploy"]["steps"])
    # every script the workflow calls exists and is executable
    called = {word for text in runs.values() for word in text.split() if word.startswith("scripts/")}
    assert called
    for script in called:
        path = PROJECT_ROOT / script
        assert path.is_file() and os.access(path, os.X_OK), script
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert "scripts/slim_ci.sh all" in makefile and "scripts/emulator_ci.sh" in makefile
