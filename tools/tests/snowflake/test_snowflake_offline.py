"""Everything dbt sends to Snowflake, recorded without an account (tools/snowflake_offline.py) and
parsed with sqlglot's Snowflake dialect: models, tests, seeds, snapshots and analyses as compiled
for prod (incremental branches included), and the DDL, grants, clustering and masking hooks of a
full prod run. Also: grants per layer, prod only; masking follows the `meta.pii` classes.
The whole access matrix: test_snowflake_access.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tools.cli import main
from tools.snowflake_offline import OfflineRun, run_offline
from tools.snowflake_platform import platform_spec, platform_statements
from tools.tests.snowflake_sql import check_snowflake_sql, strip_comments

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("snowflake_offline")


@pytest.fixture(scope="module")
def prod_run(workdir: Path) -> OfflineRun:
    run = run_offline(["run", "--target", "prod"], workdir=workdir / "run")
    assert run.success, run.error + run.output[-3000:]
    return run


@pytest.fixture(scope="module")
def prod_seed(workdir: Path) -> OfflineRun:
    run = run_offline(["seed", "--target", "prod"], workdir=workdir / "seed")
    assert run.success, run.error + run.output[-3000:]
    return run


@pytest.fixture(scope="module")
def prod_compile_incremental(workdir: Path) -> OfflineRun:
    run = run_offline(["compile", "--target", "prod"], workdir=workdir / "compile", existing=True)
    assert run.success, run.error + run.output[-3000:]
    return run


@pytest.fixture(scope="module")
def ci_run(workdir: Path) -> OfflineRun:
    run = run_offline(["run", "--target", "ci"], workdir=workdir / "ci")
    assert run.success, run.error + run.output[-3000:]
    return run


def _clean(statement: str) -> str:
    return " ".join(strip_comments(statement).split()).rstrip(";").strip()


def test_every_statement_of_a_prod_run_and_seed_parses(prod_run: OfflineRun, prod_seed: OfflineRun) -> None:
    assert len(prod_run.statements) > 50
    for statement in prod_run.statements + prod_seed.statements:
        check_snowflake_sql(statement)


def test_every_node_compiles_to_snowflake_sql(prod_run: OfflineRun, prod_compile_incremental: OfflineRun) -> None:
    compiled = prod_compile_incremental.compiled
    kinds = {uid.split(".")[0] for uid in compiled}
    assert {"model", "test", "snapshot", "analysis"} <= kinds
    # as on a first build (full) and on later runs (incremental branches)
    for code in [*prod_run.compiled.values(), *compiled.values()]:
        check_snowflake_sql(code)
    # the incremental branches: a base table re-reads raw behind its mark, a mart follows what
    # its input wrote since its own last run
    base_jobs = compiled["model.dbt_fieldforce.base_postgres__jobs"].lower()
    assert "analytics_staging.staging.base_postgres__jobs" in base_jobs and "dateadd" in base_jobs
    fct_jobs = compiled["model.dbt_fieldforce.fct_jobs"].lower()
    assert "max(own_rows._dbt_loaded_at)" in fct_jobs and "from analytics_marts.core.fct_jobs as own_rows" in fct_jobs


def test_platform_sql_parses_too() -> None:
    for statement in platform_statements():
        check_snowflake_sql(statement)


def _grants(run: OfflineRun) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for statement in map(_clean, run.statements):
        match = re.match(r"grant select on (\S+) to (\S+)$", statement)
        if match:
            found.setdefault(match.group(1), set()).add(match.group(2))
    return found


def test_grants_per_layer_in_prod(prod_run: OfflineRun, prod_seed: OfflineRun) -> None:
    grants = _grants(prod_run) | _grants(prod_seed)
    by_prefix = {
        "analytics_staging.staging.": {"STAGING_READ_ROLE"},
        "analytics_staging.seeds.": {"STAGING_READ_ROLE"},
        "analytics_intermediate.intermediate.": {"INTERMEDIATE_READ_ROLE"},
        "analytics_marts.core.": {"MARTS_READ_ROLE"},
        "analytics_marts.finance.": {"MARTS_READ_ROLE"},
        "analytics_marts.operations.": {"MARTS_READ_ROLE"},
        "analytics_marts.executive.": {"MARTS_READ_ROLE"},
        "analytics_marts.audit.": {"GOVERNANCE_READ_ROLE"},
        "analytics_marts.security.": {"GOVERNANCE_READ_ROLE"},
        "analytics_staging.monitoring.": {"STAGING_READ_ROLE"},
        "analytics_marts.monitoring.": {"MARTS_READ_ROLE"},
    }
    # what Sigma may read (sigma_readable_grants): the secure views, the marts without regions,
    # and the run history's reports (Operations Monitoring)
    sigma = {"analytics_marts.core.dim_date", "analytics_marts.core.dim_services",
             *(f"analytics_marts.monitoring.{name}" for name in (
                 "fct_dbt_node_results", "fct_dbt_invocations", "rpt_dbt_run_success_daily",
                 "rpt_source_freshness_slo", "rpt_model_timings"))}
    for relation, roles in grants.items():
        prefix = next(p for p in by_prefix if relation.startswith(p))
        readable_by_sigma = relation in sigma or relation.endswith("_rls")
        assert roles == by_prefix[prefix] | ({"BI_READ_ROLE"} if readable_by_sigma else set()), relation
    created = {m.group(1) for s in map(_clean, prod_run.statements)
               if (m := re.match(r"create or replace (?:transient |secure )*(?:table|view) (\S+)", s))}
    assert created and created <= set(grants), created - set(grants)
    assert "analytics_marts.core.v_fct_jobs_rls" in grants
    assert not [r for r in grants if r.startswith("analytics_raw.")]


def test_no_grants_outside_prod(ci_run: OfflineRun) -> None:
    assert _grants(ci_run) == {}
    assert any(s.startswith("create or replace") for s in map(_clean, ci_run.statements))


def _pii_columns(run: OfflineRun) -> set[tuple[str, str, str]]:
    """(relation, column, class, kind) of every classified column of a model, in every layer."""
    manifest = json.loads((Path(run.compiled_manifest)).read_text(encoding="utf-8"))
    found = set()
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        for column in node["columns"].values():
            pii = (column.get("config") or {}).get("meta", {}).get("pii") or column.get("meta", {}).get("pii")
            if pii and pii != "none":
                found.add((node["relation_name"], column["name"], pii))
    return found


def test_masking_policy_on_every_classified_column(prod_run: OfflineRun, ci_run: OfflineRun) -> None:
    """Every classified column of every model carries its class's policy, views included (a view
    reads its tables with its owner's rights, whatever state they are in)."""
    spec = platform_spec()
    policies = {p["pii"]: f"{spec['policy_schema']}.{p['name']}" for p in spec["masking_policies"]}
    tagged = _pii_columns(prod_run)
    layers = {rel.split(".")[0] for rel, _, _ in tagged}
    assert layers == {"analytics_staging", "analytics_intermediate", "analytics_marts"}
    assert {(rel.split(".")[-1], col) for rel, col, _ in tagged} >= {
        ("dim_customers", "customer_email"), ("dim_customers", "customer_phone"), ("dim_technicians", "technician_email"),
        ("int_customers_enriched", "postal_code"), ("stg_postgres__customers", "address_line_1"),
        ("base_telematics__gps_events", "latitude"), ("v_dim_customers_rls", "customer_email")}
    applied = {m.groups() for s in map(_clean, prod_run.statements)
               if (m := re.match(r"alter (?:table|view) (\S+) modify column (\w+) set masking policy (\S+) force$", s))}
    assert applied == {(rel, col, policies[pii]) for rel, col, pii in tagged}
    # the policies are platform objects, created before any dbt run
    created = {s.split()[6] for s in platform_statements() if s.startswith("create masking policy")}
    assert {policy for _, _, policy in applied} <= created
    # CI builds mask too (its tables hold the same people), but grant nothing
    assert any("set masking policy" in s for s in ci_run.statements)


def test_masking_and_audit_are_off_on_the_emulator_switch(workdir: Path) -> None:
    run = run_offline(["run", "--target", "ci", "--vars", "{snowflake_governance: false}", "-s", "dim_customers",
                       "v_data_access_log"], workdir=workdir / "no_governance")
    assert run.success, run.error
    assert not [s for s in run.statements if "masking policy" in s or "account_usage" in s]


def test_clustering_as_in_the_sdd_and_permanent_marts(prod_run: OfflineRun) -> None:
    clustered = {m.group(1): m.group(2) for s in map(_clean, prod_run.statements)
                 if (m := re.match(r"alter table (\S+) cluster by \((.*)\)$", s))}
    assert clustered == {
        "analytics_marts.core.fct_jobs": "job_completed_date, customer_id",
        "analytics_marts.finance.fct_revenue": "revenue_date, service_type_id",
        "analytics_marts.core.dim_customers": "customer_id",
        "analytics_intermediate.intermediate.int_technician_daily_routes": "route_date, technician_id",
    }
    creates = [s for s in map(_clean, prod_run.statements) if s.startswith("create or replace")]
    marts_tables = [s for s in creates if " analytics_marts." in s and " view " not in s]
    assert marts_tables and not [s for s in marts_tables if "transient" in s.split(" as ")[0]]


def test_secure_views_filter_by_current_user(prod_run: OfflineRun) -> None:
    views = {m.group(1): s for s in map(_clean, prod_run.statements)
             if (m := re.match(r"create or replace secure view (\S+)", s))}
    assert set(views) == {"analytics_marts.core.v_fct_jobs_rls", "analytics_marts.finance.v_fct_revenue_rls",
                          "analytics_marts.operations.v_rpt_operations_daily_rls",
                          "analytics_marts.operations.v_rpt_job_board_daily_rls",
                          "analytics_marts.operations.v_fct_technician_performance_rls",
                          "analytics_marts.core.v_dim_customers_rls", "analytics_marts.core.v_dim_technicians_rls",
                          "analytics_marts.executive.v_rpt_executive_summary_rls"}
    for sql in views.values():
        assert "upper(trim(user_access.user_name)) = upper(trim(current_user()))" in sql
        # fail closed: an admin row counts only without a region, a read row only with one
        assert "(user_access.access_level = 'admin' and user_access.region_id is null)" in sql
        assert "(user_access.access_level = 'read' and regions.region_id = user_access.region_id)" in sql
        assert "analytics_marts.security.user_region_access" in sql


def test_audit_view_compiles_for_snowflake_only(prod_run: OfflineRun) -> None:
    audit = [s for s in map(_clean, prod_run.statements) if "analytics_marts.audit.v_data_access_log" in s]
    assert audit and "snowflake.account_usage.access_history" in audit[0]
    check_snowflake_sql(audit[0])


def test_snapshots_are_permanent_tables(prod_compile_incremental: OfflineRun) -> None:
    """dbt-snowflake makes tables transient unless told otherwise; history cannot be rebuilt.
    (The snapshot DDL itself needs column types from a warehouse, so only the config is checked.)"""
    manifest = json.loads(Path(prod_compile_incremental.compiled_manifest).read_text(encoding="utf-8"))
    snapshots = [n for n in manifest["nodes"].values() if n["resource_type"] == "snapshot"]
    assert snapshots and all(n["config"].get("transient") is False for n in snapshots)
    marts = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["fqn"][1] == "marts"]
    assert all(n["config"].get("transient") is False for n in marts)


def test_a_rerun_over_existing_relations_parses(workdir: Path) -> None:
    """The second prod run (relations exist: views replace tables, masking re-applied with FORCE).
    Incremental models are left out: their merge needs the table's real columns."""
    run = run_offline(["run", "--target", "prod", "--exclude", "config.materialized:incremental"],
                      workdir=workdir / "rerun", existing=True)
    assert run.success, run.error
    for statement in run.statements:
        check_snowflake_sql(statement)
    assert any("set masking policy" in s for s in run.statements)


def test_dev_builds_no_audit_view(workdir: Path) -> None:
    """Developers' role has no access to account usage: the audit view is prod and CI only."""
    run = run_offline(["run", "--target", "dev", "-s", "marts.audit"], workdir=workdir / "dev")
    assert run.success, run.error
    assert not [s for s in run.statements if "account_usage" in s]


def test_cli_dry_run_prints_statements_and_refuses_other_targets(workdir: Path) -> None:
    result = CliRunner().invoke(main, ["snowflake-dry-run", "run", "--target", "prod", "-s", "dim_customers",
                                       "--workdir", str(workdir / "cli")])
    assert result.exit_code == 0, result.output
    assert "set masking policy ANALYTICS_MARTS.SECURITY.PHONE_MASK force" in result.output
    assert "grant select on analytics_marts.core.dim_customers to MARTS_READ_ROLE" in result.output
    for args in (["run"], ["run", "--target", "local"]):
        refused = CliRunner().invoke(main, ["snowflake-dry-run", *args, "--workdir", str(workdir / "cli")])
        assert refused.exit_code == 1 and "target" in refused.output


def test_gps_freshness_compiles_for_snowflake_and_counts_active_hours(workdir: Path) -> None:
    """The Snowflake branch of macros/freshness/ (date_part(epoch_second, ...), dateadd) as dbt
    sends it: it parses, and, run on DuckDB through sqlglot's translation, gives the active age the
    reference gives (test_any_hour.py tests the DuckDB branch)."""
    from datetime import datetime, timedelta, timezone

    import duckdb
    import sqlglot

    from tools.tests.freshness_helpers import active_seconds, project_active_hours

    run = run_offline(["source", "freshness", "--target", "prod", "--select", "source:fivetran_telematics.gps_events"],
                      workdir=workdir / "freshness")
    (statement,) = [s for s in run.statements if "active_seconds" in s]
    check_snowflake_sql(statement)
    assert "date_part(epoch_second," in statement and "from analytics_raw.fivetran_telematics.gps_events" in statement
    on_duckdb = sqlglot.transpile(statement, read="snowflake", write="duckdb")[0]
    start, end = project_active_hours()
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute("attach ':memory:' as analytics_raw")
    con.execute("create schema analytics_raw.fivetran_telematics")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    for ago in (timedelta(minutes=30), timedelta(hours=6), timedelta(hours=20), timedelta(days=3)):
        landed = now - ago
        con.execute("create or replace table analytics_raw.fivetran_telematics.gps_events as "
                    "select ?::timestamptz as _fivetran_synced", [landed])
        ((max_loaded_at, snapshotted_at),) = con.execute(on_duckdb).fetchall()
        snapshotted_at = snapshotted_at.replace(tzinfo=timezone.utc)
        age = (snapshotted_at - max_loaded_at.replace(tzinfo=timezone.utc)).total_seconds()
        assert abs(age - active_seconds(landed, snapshotted_at, start, end)) <= 1, (ago, age)
