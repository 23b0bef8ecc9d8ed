"""Shared by the scaffold tests: a throwaway dbt project, landed Salesforce-like tables, dbt runs."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from tools.tests.conftest import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "scaffold"
SCHEMA_JSON = FIXTURES / "salesforce_schemas.json"
CONTACT_COLUMNS = FIXTURES / "salesforce_contact_columns.json"

T1 = "2026-01-01 06:00:00+00"
T2 = "2026-01-02 06:00:00+00"
T3 = "2026-01-03 06:00:00+00"

# (create statement, rows); every table lands in fivetran_salesforce.
SALESFORCE_TABLES: dict[str, tuple[str, list[str]]] = {
    "account": (
        """id varchar, name varchar, type varchar, industry varchar, annual_revenue decimal(18, 2),
        owner_id varchar, billing_city varchar, region_c varchar, internal_score_c double,
        is_deleted boolean, created_date timestamptz, system_modstamp timestamptz,
        _fivetran_deleted boolean, _fivetran_synced timestamptz""",
        [
            # a1 has two versions: the newer one wins
            f"('a1', 'Acme old', 'Customer', 'HVAC', 100.00, 'u1', 'Austin', 'South', 1.0, false, '{T1}', '{T1}', false, '{T1}')",
            f"('a1', 'Acme', 'Customer', 'HVAC', 120.50, 'u1', 'Austin', 'South', 1.0, false, '{T1}', '{T2}', false, '{T2}')",
            # a2 deleted by Fivetran, a3 deleted in Salesforce
            f"('a2', 'Gone', 'Prospect', null, null, 'u2', 'Dallas', null, null, false, '{T1}', '{T2}', true, '{T2}')",
            f"('a3', 'Bin', 'Prospect', null, null, 'u2', 'Dallas', null, null, true, '{T1}', '{T2}', false, '{T2}')",
            f"('a4', 'Globex', 'Customer', 'Plumbing', 75.00, 'u3', 'Houston', 'South', 2.5, null, '{T1}', '{T1}', null, '{T1}')",
        ],
    ),
    "contact": (
        """id varchar, account_id varchar, first_name varchar, last_name varchar, email varchar,
        phone varchar, is_deleted boolean, system_modstamp timestamptz,
        _fivetran_deleted boolean, _fivetran_synced timestamptz""",
        [
            f"('c1', 'a1', 'Ann', 'Lee', 'f1e2d3', '555', false, '{T1}', false, '{T1}')",
            f"('c2', 'a4', 'Bob', 'Ray', 'a9b8c7', '556', false, '{T1}', true, '{T2}')",
        ],
    ),
    "case": (
        """id varchar, case_number varchar, account_id varchar, status varchar, priority varchar,
        is_closed boolean, closed_date timestamptz, is_deleted boolean,
        _fivetran_deleted boolean, _fivetran_synced timestamptz""",
        [
            f"('k1', '0001', 'a1', 'Open', 'High', false, null, false, false, '{T1}')",
            f"('k2', '0002', 'a4', 'Open', 'Low', false, null, false, false, '{T1}')",
            f"('k2', '0002', 'a4', 'Closed', 'Low', true, '{T2}', false, true, '{T2}')",
        ],
    ),
    "opportunity": (
        """id varchar, account_id varchar, amount decimal(18, 2), stage_name varchar, probability double,
        close_date date, is_closed boolean, is_won boolean, _fivetran_active boolean,
        _fivetran_start timestamptz, _fivetran_end timestamptz, _fivetran_synced timestamptz""",
        [
            f"('o1', 'a1', 1000.00, 'Prospecting', 0.1, '2026-02-01', false, false, false, '{T1}', '{T2}'::timestamptz - interval 1 millisecond, '{T2}')",
            f"('o1', 'a1', 1500.00, 'Closed Won', 1.0, '2026-02-01', true, true, true, '{T2}', '9999-12-31 23:59:59+00', '{T2}')",
            f"('o2', 'a4', 500.00, 'Prospecting', 0.2, '2026-03-01', false, false, false, '{T1}', '{T2}'::timestamptz - interval 1 millisecond, '{T2}')",
        ],
    ),
    "opportunity_line_item": (
        """id varchar, opportunity_id varchar, pricebook_2_id varchar, product_2_id varchar,
        quantity decimal(18, 2), unit_price decimal(18, 2), is_deleted boolean,
        _fivetran_deleted boolean, _fivetran_synced timestamptz""",
        [
            f"('l1', 'o1', 'pb1', 'p1', 2, 500.00, false, false, '{T1}')",
            f"('l2', 'o1', 'pb1', 'p2', 1, 500.00, false, false, '{T1}')",
        ],
    ),
    "quote_line_item": (
        """quote_id varchar, "index" integer, product_2_id varchar, quantity integer,
        total_price decimal(18, 2), "end" timestamp, _fivetran_deleted boolean, _fivetran_synced timestamptz""",
        [
            f"('q1', 1, 'p1', 1, 10.00, '2026-01-05 00:00:00', false, '{T1}')",
            f"('q1', 2, 'p2', 1, 20.00, '2026-01-05 00:00:00', false, '{T1}')",
            f"('q1', 2, 'p2', 3, 60.00, '2026-01-06 00:00:00', false, '{T2}')",
        ],
    ),
    "login_event": (
        """user_id varchar, login_time timestamptz, source_ip varchar, status varchar,
        _fivetran_id varchar, _fivetran_deleted boolean, _fivetran_synced timestamptz""",
        [
            f"('u1', '{T1}', '10.0.0.1', 'Success', 'h1', false, '{T1}')",
            f"('u2', '{T1}', '10.0.0.2', 'Success', 'h2', false, '{T1}')",
            # a retried delivery of the same row
            f"('u2', '{T1}', '10.0.0.2', 'Success', 'h2', false, '{T2}')",
            f"('u3', '{T1}', '10.0.0.3', 'Failed', 'h3', true, '{T2}')",
        ],
    ),
    "task": (
        """id varchar, subject varchar, who_id varchar, activity_date date, _fivetran_synced timestamptz""",
        [
            f"('t1', 'Call', 'c1', '2026-01-10', '{T1}')",
            f"('t2', 'Email', 'c1', '2026-01-11', '{T1}')",
        ],
    ),
}

# What each staging model must hold after dedupe and delete filtering.
EXPECTED_ROWS = {
    "account": 2,
    "contact": 1,
    "case": 1,
    "opportunity": 1,
    "opportunity_line_item": 2,
    "quote_line_item": 2,
    "login_event": 2,
    "task": 2,
}


def make_project(tmp_path: Path) -> Path:
    """A minimal copy of the dbt project: config, profile, macros, generic tests and the groups
    dbt_project.yml assigns every model to; no models."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_ROOT / name, project / name)
    shutil.copytree(PROJECT_ROOT / "macros", project / "macros")
    # Generic tests the scaffold uses (unique_combination_of_columns for composite keys).
    shutil.copytree(PROJECT_ROOT / "tests" / "generic", project / "tests" / "generic")
    groups = project / "models" / "marts" / "_marts__groups.yml"
    groups.parent.mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "models" / "marts" / "_marts__groups.yml", groups)
    return project


def land(warehouse: Path, schema: str, tables: dict[str, tuple[str, list[str]]]) -> None:
    warehouse.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(warehouse / "analytics_raw.duckdb"))
    try:
        connection.execute(f"create schema if not exists {schema}")
        for name, (columns, rows) in tables.items():
            connection.execute(f'create or replace table {schema}."{name}" ({columns})')
            if rows:
                connection.execute(f'insert into {schema}."{name}" values {", ".join(rows)}')
    finally:
        connection.close()


def execute(warehouse: Path, sql: str) -> None:
    connection = duckdb.connect(str(warehouse / "analytics_raw.duckdb"))
    try:
        connection.execute(sql)
    finally:
        connection.close()


def dbt(project: Path, warehouse: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, FIELDFORCE_WAREHOUSE_DIR=str(warehouse), DBT_TARGET="local", DBT_THREADS="4")
    dbt_bin = Path(sys.executable).parent / "dbt"
    return subprocess.run(
        [str(dbt_bin), *args, "--project-dir", str(project), "--profiles-dir", str(project),
         "--target-path", str(project / "target"), "--log-path", str(project / "logs")],
        cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False,
    )


def count_rows(warehouse: Path, relation: str) -> int:
    connection = duckdb.connect(str(warehouse / "analytics.duckdb"), read_only=True)
    try:
        # Staging models are views over the raw database, attached as in profiles.yml.
        connection.execute(f"attach '{warehouse / 'analytics_raw.duckdb'}' as analytics_raw (read_only)")
        return connection.execute(f"select count(*) from {relation}").fetchone()[0]
    finally:
        connection.close()


def only_insertions(old: str, new: str) -> list[str]:
    """The inserted lines, after checking that nothing of `old` was changed, moved or removed."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    inserted: list[str] = []
    for tag, _a1, _a2, b1, b2 in matcher.get_opcodes():
        assert tag in ("equal", "insert"), f"{tag}: existing text changed"
        if tag == "insert":
            inserted.extend(new_lines[b1:b2])
    # and the old text is a subsequence of the new one, byte for byte
    assert "".join(line for tag, a1, a2, *_ in matcher.get_opcodes() if tag == "equal"
                   for line in old_lines[a1:a2]) == old
    return inserted
