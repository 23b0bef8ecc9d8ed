"""The Snowflake platform objects (macros/snowflake/platform.sql), checked offline: the SDD's
settings, idempotent statements in a working order, sqlglot's Snowflake parser, least privilege."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tools.cli import main
from tools.snowflake_access import parse_grants
from tools.snowflake_offline import DUMMY_ENV
from tools.snowflake_platform import is_idempotent, platform_spec, platform_statements, render_sql
from tools.tests.conftest import PROJECT_ROOT
from tools.tests.snowflake_sql import check_snowflake_sql


@pytest.fixture(scope="module")
def statements() -> list[str]:
    return platform_statements()


def test_every_statement_parses_as_snowflake_sql(statements: list[str]) -> None:
    for statement in statements:
        check_snowflake_sql(statement)


def test_every_statement_is_idempotent(statements: list[str]) -> None:
    assert [s for s in statements if not is_idempotent(s)] == []
    # nothing that drops or replaces: a re-run never loses an object or its grants
    assert [s for s in statements if re.search(r"\b(drop|or replace|revoke)\b", s, re.I)] == []
    # every CREATE is followed by the ALTER that enforces the same settings on an existing object
    for statement in statements:
        created = re.match(r"create (warehouse|user|masking policy|resource monitor) if not exists (\S+)", statement)
        if created:
            kind, name = created.groups()
            assert any(s.startswith(f"alter {kind} {name} set ") for s in statements), statement


def test_sdd_warehouses_monitors_and_timeouts(statements: list[str]) -> None:
    spec = platform_spec()
    warehouses = {w["name"]: w for w in spec["warehouses"]}
    # SDD, Compute Warehouse Strategy
    expected = {
        "INGEST_WH": ("X-SMALL", 60, 1, 1, None),
        "TRANSFORM_WH": ("SMALL", 120, 1, 2, "ECONOMY"),
        "BI_WH": ("MEDIUM", 300, 1, 4, "STANDARD"),
        "ADHOC_WH": ("SMALL", 60, 1, 2, None),
    }
    for name, (size, suspend, low, high, policy) in expected.items():
        wh = warehouses[name]
        assert (wh["size"], wh["auto_suspend"], wh["min_clusters"], wh["max_clusters"], wh.get("scaling_policy")) \
            == (size, suspend, low, high, policy)
        create = next(s for s in statements if s.startswith(f"create warehouse if not exists {name} "))
        assert "auto_resume = true" in create and "initially_suspended = true" in create
    assert warehouses["ADHOC_WH"]["statement_timeout"] == 900
    assert "alter warehouse ADHOC_WH set resource_monitor = ADHOC_LIMIT" in statements
    # SDD, Cost Controls
    assert ("alter account set statement_timeout_in_seconds = 3600 statement_queued_timeout_in_seconds = 600"
            in statements)
    monthly = next(s for s in statements if s.startswith("create resource monitor if not exists MONTHLY_BUDGET"))
    assert "credit_quota = 400 frequency = MONTHLY" in monthly
    assert re.findall(r"on (\d+) percent do (\w+)", monthly) == [
        ("50", "notify"), ("75", "notify"), ("90", "notify"), ("100", "suspend")]
    adhoc = next(s for s in statements if s.startswith("create resource monitor if not exists ADHOC_LIMIT"))
    assert "credit_quota = 50 frequency = WEEKLY" in adhoc
    assert re.findall(r"on (\d+) percent do (\w+)", adhoc) == [("80", "notify"), ("100", "suspend")]
    assert "alter account set resource_monitor = MONTHLY_BUDGET" in statements


def test_sdd_databases_and_schemas(statements: list[str]) -> None:
    created = {s.split()[-1] for s in statements if s.startswith("create schema if not exists ")}
    for schema in ("FIVETRAN_POSTGRES", "FIVETRAN_SALESFORCE", "FIVETRAN_QUICKBOOKS", "FIVETRAN_SERVICETITAN",
                   "FIVETRAN_TELEMATICS", "FIVETRAN_SHEETS"):
        assert f"ANALYTICS_RAW.{schema}" in created
    for schema in ("CORE", "FINANCE", "OPERATIONS", "EXECUTIVE", "SECURITY", "AUDIT"):
        assert f"ANALYTICS_MARTS.{schema}" in created
    databases = {s.split()[5] for s in statements if s.startswith("create database if not exists ")}
    assert databases == {"ANALYTICS_RAW", "ANALYTICS_STAGING", "ANALYTICS_INTERMEDIATE", "ANALYTICS_MARTS",
                         "ANALYTICS_DEV", "ANALYTICS_STAGING_ENV"}


def test_objects_exist_before_they_are_used_and_each_section_runs_as_its_admin_role(statements: list[str]) -> None:
    created: set[str] = set()
    role = None
    for statement in statements:
        used = re.match(r"use role (\w+)", statement)
        if used:
            role = used.group(1)
            continue
        made = re.match(r"create (?:warehouse|database|schema|role|user|masking policy|resource monitor) "
                        r"if not exists (\S+)", statement)
        if made:
            created.add(made.group(1).upper())
            kind = statement.split()[1]
            expected_role = {"role": "useradmin", "user": "useradmin", "resource": "accountadmin"}.get(kind, "sysadmin")
            assert role == expected_role, statement
            continue
        if statement.startswith("grant "):
            assert role in ("securityadmin", "accountadmin"), statement
        # every object a grant or alter names was created above it (SNOWFLAKE's own objects aside)
        for name in re.findall(r"\b(?:warehouse|database|schema|role|user|policy|monitor)\s+([A-Z][\w.]*)",
                               statement):
            if name.startswith("SNOWFLAKE") or name in {"SYSADMIN"}:
                continue
            assert name.upper() in created, f"{name} used before it is created: {statement}"
        for name in re.findall(r"resource_monitor = (\w+)", statement):
            assert name in created, statement


def test_least_privilege_matrix(statements: list[str]) -> None:
    """The platform's part of the matrix (test_snowflake_access.py has the whole of it, with
    every grant dbt sends): which schemas each role may use, and SELECT only on raw."""
    grants = parse_grants(statements)
    assert grants.unknown == []

    def schemas(role: str) -> set[str]:
        return {name for r in grants.roles_of(role) for name in grants.usage[r] if "." in name}

    layers = {role: {schema.split(".")[0] for schema in schemas(role)} for role in
              ("SIGMA_BI_ROLE", "ANALYST_ROLE", "DBT_PROD_ROLE", "DBT_DEV_ROLE", "ADMIN_ROLE", "FIVETRAN_INGEST_ROLE")}
    # SDD, Least Privilege Matrix
    assert layers["SIGMA_BI_ROLE"] == {"ANALYTICS_MARTS"}
    assert layers["ANALYST_ROLE"] == {"ANALYTICS_INTERMEDIATE", "ANALYTICS_MARTS"}
    assert "ANALYTICS_RAW" in layers["DBT_PROD_ROLE"] and "ANALYTICS_RAW" in layers["DBT_DEV_ROLE"]
    # BI and analysts do not reach the RLS mapping, the audit log or the unmasked snapshots
    for role in ("SIGMA_BI_ROLE", "ANALYST_ROLE"):
        assert not schemas(role) & {"ANALYTICS_MARTS.SECURITY", "ANALYTICS_MARTS.AUDIT", "ANALYTICS_MARTS.SNAPSHOTS"}
    assert {"ANALYTICS_MARTS.SECURITY", "ANALYTICS_MARTS.AUDIT"} <= schemas("ADMIN_ROLE")
    # the only schema-wide SELECT is on raw, which Fivetran creates and only the dbt roles read;
    # dbt grants every relation it builds itself, after its masking post-hook
    assert {role for role, kinds in grants.select_in_schema.items() if kinds} == {"RAW_READ_ROLE"}
    assert not grants.select_on
    raw_readers = {role for role in ("SIGMA_BI_ROLE", "ANALYST_ROLE", "ADMIN_ROLE", "DBT_PROD_ROLE", "DBT_CI_ROLE",
                                     "DBT_DEV_ROLE", "FIVETRAN_INGEST_ROLE")
                   if "RAW_READ_ROLE" in grants.roles_of(role)}
    assert raw_readers == {"DBT_PROD_ROLE", "DBT_CI_ROLE", "DBT_DEV_ROLE"}
    # warehouses as in the matrix
    usage = {m[2]: m[1] for s in statements if s.startswith("grant usage on warehouse ")
             for m in [re.match(r"grant usage on warehouse (\S+) to role (\S+)", s)]}
    assert usage["FIVETRAN_INGEST_ROLE"] == "INGEST_WH" and usage["DBT_PROD_ROLE"] == "TRANSFORM_WH"
    assert usage["SIGMA_BI_ROLE"] == "BI_WH" and usage["ANALYST_ROLE"] == "ADHOC_WH"
    assert usage["DBT_DEV_ROLE"] == "DEV_WH"


def test_service_users_have_no_password(statements: list[str]) -> None:
    users = [s for s in statements if s.startswith("create user ")]
    assert {s.split()[5] for s in users} == {"FIVETRAN_USER", "DBT_PROD_USER", "DBT_CI_USER", "SIGMA_SERVICE_USER"}
    assert all("type = service" in s for s in users)
    assert not [s for s in statements if re.search(r"password|rsa_public_key", s, re.I)]


def test_masking_policies_match_the_sdd(statements: list[str]) -> None:
    """The SDD's clear roles (ADMIN_ROLE and ANALYST_ROLE for email, ADMIN_ROLE for phone), the
    dbt roles, which build each layer from the one below, and no one else, for every class."""
    dbt_roles = "'DBT_PROD_ROLE', 'DBT_CI_ROLE', 'DBT_DEV_ROLE'"
    policies = {m.group(1): m.group(2) for s in statements
                if (m := re.match(r"create masking policy if not exists ANALYTICS_MARTS[.]SECURITY[.](\w+) .*?"
                                  r"current_role\(\) in \(([^)]*)\) then val", s))}
    assert policies == {
        "EMAIL_MASK": f"{dbt_roles}, 'ADMIN_ROLE', 'ANALYST_ROLE'",
        **{name: f"{dbt_roles}, 'ADMIN_ROLE'" for name in
           ("PHONE_MASK", "NAME_MASK", "ADDRESS_MASK", "POSTAL_CODE_MASK", "LOCATION_MASK")},
    }
    assert {p["pii"] for p in platform_spec()["masking_policies"]} == {
        "email", "phone", "name", "address", "postal_code", "location"}


def _masked(statements: list[str], policy: str, values: list) -> list:
    """What a role without clear text reads: the policy's body for another role, run on DuckDB
    (transpiled from Snowflake's SQL, as the emulator runs it)."""
    import duckdb
    import sqlglot

    create = next(s for s in statements
                  if s.startswith(f"create masking policy if not exists ANALYTICS_MARTS.SECURITY.{policy} "))
    kind, body = re.match(r".* returns (\w+) -> (.*)", create).groups()
    body = body.rsplit(" comment = ", 1)[0]
    as_reader = body.replace("current_role()", "'SIGMA_BI_ROLE'")
    sql = sqlglot.transpile(f"select {as_reader} from t", read="snowflake", write="duckdb")[0]
    con = duckdb.connect()
    con.execute(f"create table t (i integer, val {'double' if kind == 'float' else 'varchar'})")
    con.executemany("insert into t values (?, ?)", list(enumerate(values)))
    return [row[0] for row in con.execute(sql.replace(" FROM t", " FROM t ORDER BY i")).fetchall()]


def test_the_masks_fail_closed(statements: list[str]) -> None:
    emails = ["maria.garcia@example.com", "no at sign", "two@at@example.com", "a@example.com\nsecond line",
              "", "@example.com", "local@nodot", " spaced@example.com", None]
    assert _masked(statements, "EMAIL_MASK", emails) == [
        "***@example.com", "***", "***", "***", "***", "***", "***", "***", None]
    phones = ["(415) 555-0123", "+1 415.555.0123", "555-1234", "4155550123 ext 9", "call me", "", "1234", None]
    assert _masked(statements, "PHONE_MASK", phones) == [
        "***-***-0123", "***-***-0123", "***", "***", "***", "***", "***", None]
    names = ["Maria", "O'Brien-Smith", "", " ", "Ünal", None]
    assert _masked(statements, "NAME_MASK", names) == ["***", "***", "***", "***", "***", None]
    assert _masked(statements, "ADDRESS_MASK", ["12 Elm St\nApt 3", "Boston", None]) == ["***", "***", None]
    zips = ["02134", "02134-1234", "2134", "021345", "SW1A 1AA", "02134\n", "", None]
    assert _masked(statements, "POSTAL_CODE_MASK", zips) == [
        "021**", "021**", "***", "***", "***", "***", "***", None]
    assert _masked(statements, "LOCATION_MASK", [42.36012, -71.05891, 0.04, None]) == [42.4, -71.1, 0.0, None]


@pytest.mark.parametrize(("policy", "values"), [
    ("EMAIL_MASK", ["maria.garcia@example.com", "no at sign", None]),
    ("PHONE_MASK", ["(415) 555-0123", "555-1234", "***-***-01234", None]),
    ("NAME_MASK", ["Maria", None]),
    ("ADDRESS_MASK", ["12 Elm St", None]),
    ("POSTAL_CODE_MASK", ["02134", "02134-1234", "SW1A 1AA", "0213**", None]),
    ("LOCATION_MASK", [42.36012, -71.05891, None]),
])
def test_masking_a_masked_value_changes_nothing(statements: list[str], policy: str, values: list) -> None:
    """A view's policy over a table column that is masked already: the reader sees the table's
    mask, not a mask of it (a phone keeps its last four digits, a ZIP its first three)."""
    once = _masked(statements, policy, values)
    assert _masked(statements, policy, once) == once
    assert once != values


def test_cli_prints_the_statements_in_order(statements: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["platform-sql"])
    assert result.exit_code == 0, result.output
    assert result.output == render_sql(statements)
    out = tmp_path / "platform.sql"
    assert CliRunner().invoke(main, ["platform-sql", "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8") == result.output


@pytest.mark.e2e
def test_dbt_run_operation_dry_run_prints_the_same_statements(statements: list[str], tmp_path: Path) -> None:
    """`dbt run-operation platform_setup` (dry run) needs no account: dbt opens its connection lazily."""
    dbt = Path(sys.executable).with_name("dbt")
    env = {**os.environ, **DUMMY_ENV}
    result = subprocess.run(
        [str(dbt), "--quiet", "run-operation", "platform_setup", "--target", "prod",
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == render_sql(statements)
