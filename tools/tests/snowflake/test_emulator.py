"""The project on the Snowflake emulator (tools/emulator, docs/ci.md): dbt-snowflake against
fakesnow's server on loopback. A full `dbt build`, a `tools sync` batch and an incremental build
pass, and every table equals the DuckDB target's built from the same raw data, row for row."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import snowflake.connector

from tools.emulator import patches
from tools.emulator.pipeline import EmulatorRun
from tools.emulator.server import Emulator
from tools.tests.conftest import E2E_SCALE, E2E_SEED, PROJECT_ROOT


def connect(emulator: Emulator, **kwargs: object) -> snowflake.connector.SnowflakeConnection:
    # As profiles.yml's `emulator` target connects, with the connector's own retries cut short.
    return snowflake.connector.connect(
        account="fakesnow", user="fake", password="snow",  # pragma: allowlist secret
        host=emulator.host, port=emulator.port, protocol="http",
        network_timeout=10, login_timeout=10, session_parameters={"CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False},
        **kwargs)


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    root = tmp_path_factory.mktemp("emulator")
    with Emulator(db_path=root / "db", log_file=root / "emulator.log") as running:
        yield running


def test_fakesnow_is_the_pinned_version() -> None:
    from importlib.metadata import version

    assert version("fakesnow") == patches.SUPPORTED_FAKESNOW
    pyproject = (PROJECT_ROOT / "pyproject.toml").read_text()
    assert f'"fakesnow[server]=={patches.SUPPORTED_FAKESNOW}"' in pyproject


def test_qualified_temporary_table(emulator: Emulator) -> None:
    with connect(emulator, database="ANALYTICS_CI", schema="CI") as con:
        cur = con.cursor()
        cur.execute("create or replace temporary table ANALYTICS_CI.CI.t__dbt_tmp as (select 1 as x)")
        assert cur.execute("select x from ANALYTICS_CI.CI.t__dbt_tmp").fetchall() == [(1,)]


def test_merge_inserts_source_values_and_a_failed_statement_keeps_the_session(emulator: Emulator) -> None:
    with connect(emulator, database="ANALYTICS_CI", schema="CI") as con:
        cur = con.cursor()
        cur.execute("create or replace table dest (id int, v varchar)")
        cur.execute("create or replace table src (id int, v varchar)")
        cur.execute("insert into dest values (1, 'a')")
        cur.execute("insert into src values (1, 'b'), (2, 'c')")
        cur.execute("begin")
        cur.execute("""merge into dest as DBT_INTERNAL_DEST using src as DBT_INTERNAL_SOURCE
            on DBT_INTERNAL_SOURCE.id = DBT_INTERNAL_DEST.id
            when matched then update set v = DBT_INTERNAL_SOURCE.v
            when not matched then insert (id, v) values (id, v)""")
        cur.execute("commit")
        assert cur.execute("select id, v from dest order by id").fetchall() == [(1, "b"), (2, "c")]
        cur.execute("begin")
        with pytest.raises(snowflake.connector.errors.ProgrammingError):
            cur.execute("select * from no_such_table")
        assert cur.execute("select count(*) from dest").fetchall() == [(2,)]


def test_an_unsupported_statement_fails_at_once(emulator: Emulator) -> None:
    """Not an HTTP 500 that the connector would retry for minutes: a SQL error, now."""
    import time

    with connect(emulator) as con:
        start = time.monotonic()
        # an exception fakesnow does not handle (DuckDB's InvalidInputException): HTTP 500 on stock
        with pytest.raises(snowflake.connector.errors.ProgrammingError, match="emulator: .*Unhandled exception"):
            con.cursor().execute("select range(1, 100000000000000)")
        assert time.monotonic() - start < 5


def test_sum_of_a_number_stays_exact(emulator: Emulator) -> None:
    with connect(emulator, database="ANALYTICS_CI", schema="CI") as con:
        cur = con.cursor()
        cur.execute("create or replace table amounts (x number(18, 2))")
        cur.execute("insert into amounts values (799.34), (0.01)")
        (total, half), = cur.execute(
            "select sum(x), round(cast(sum(x) as double precision) / 2, 2) from amounts").fetchall()
        assert str(total) == "799.35" and half == 399.68


@pytest.mark.e2e
def test_build_sync_incremental_build_equal_duckdb(tmp_path: Path) -> None:
    lines: list[str] = []
    # one batch, which also adds a column upstream (schema drift); sequences of batches are the
    # property test's (test_incremental_properties.py), `make emulator-ci` lands three
    run = EmulatorRun(tmp_path, scale=E2E_SCALE, seed=E2E_SEED, syncs=1, log=lines.append)
    diffs = run.run()
    assert run.steps == [
        "generate raw data", "platform setup (emulator)", "dbt build (emulator, full)", "dbt build (DuckDB, full)",
        "tools sync (batch 1)", "dbt build (emulator, incremental 1)", "dbt build (DuckDB, incremental 1)",
        "dbt docs generate (emulator)"]
    assert len(diffs) >= 15
    assert {name: d[:2] for name, d in diffs.items()} == {name: (0, 0) for name in diffs}, "\n".join(lines)
    assert all(rows > 0 for _, _, rows in diffs.values())
    for model in ("core.fct_jobs", "finance.fct_revenue", "intermediate.int_technician_daily_routes",
                  "snapshots.snap_customers"):
        assert model in diffs
    # the emulator build ran everything: seeds, snapshots, unit tests, data tests, all passing
    results = json.loads((tmp_path / "target_emulator" / "build_run_results.json").read_text())["results"]
    kinds = {r["unique_id"].split(".")[0] for r in results}
    assert {"model", "seed", "snapshot", "test", "unit_test"} <= kinds
    assert {r["status"] for r in results} <= {"success", "pass", "no-op"}
    # the certified models' contracts were enforced there: the emulator describes columns as Snowflake does
    manifest = json.loads((tmp_path / "target_emulator" / "manifest.json").read_text())["nodes"]
    certified = [n for n in manifest.values() if n["resource_type"] == "model" and n["config"]["meta"].get("certified")]
    assert len(certified) >= 15 and all(n["contract"]["enforced"] is True for n in certified)
    assert {"model.dbt_fieldforce.v_dim_customers_rls", "model.dbt_fieldforce.v_fct_jobs_rls"} <= \
        {r["unique_id"] for r in results if r["status"] == "success"}
    # with governance on: the audit view over account usage, and the marts' masking post-hooks
    assert "model.dbt_fieldforce.v_data_access_log" in {r["unique_id"] for r in results}
    # the run history's hooks and models ran on the emulator too (they are not compared: run ids differ)
    assert "model.dbt_fieldforce.rpt_source_freshness_slo" in {r["unique_id"] for r in results}
    with duckdb.connect(str(run.emulator_file), read_only=True) as con:
        (schema,), = con.execute("select table_schema from information_schema.tables "
                                 "where table_name ilike 'dbt_invocations'").fetchall()
        commands = [c for (c,) in con.execute(
            f'select command from "{schema}".dbt_invocations order by run_started_at').fetchall()]
        nodes = con.execute(f'select count(*) from "{schema}".dbt_node_results').fetchone()[0]
    # the full and the incremental build, each with a row per node it ran
    assert commands == ["build", "build"] and nodes >= len(results)
    log = (tmp_path / "logs" / "dbt.log").read_text()
    assert "set masking policy" in log and "create masking policy" in log
    # the catalog lists views (staging) as well as tables, as on Snowflake
    catalog = json.loads((tmp_path / "target_emulator" / "catalog.json").read_text())["nodes"]
    types = {node["metadata"]["name"].lower(): node["metadata"]["type"] for node in catalog.values()}
    assert types.get("stg_postgres__customers") == "VIEW" and types.get("fct_jobs") == "BASE TABLE"


def test_grants_and_masking_statements_are_accepted(emulator: Emulator) -> None:
    with connect(emulator, database="ANALYTICS_CI", schema="CI") as con:
        cur = con.cursor()
        cur.execute("create or replace table customers (customer_email varchar)")
        cur.execute("create or replace view v_customers as select * from customers")
        assert cur.execute("show grants on table ANALYTICS_CI.CI.CUSTOMERS").fetchall() == []
        assert [d.name for d in cur.description][:3] == ["created_on", "privilege", "granted_on"]
        for statement in (
            "grant select on table ANALYTICS_CI.CI.CUSTOMERS to role MARTS_READ_ROLE",
            "revoke select on table ANALYTICS_CI.CI.CUSTOMERS from role MARTS_READ_ROLE",
            "create masking policy if not exists ANALYTICS_CI.CI.PII_EMAIL as (val string) returns string -> val",
            "alter table ANALYTICS_CI.CI.CUSTOMERS modify column customer_email "
            "set masking policy ANALYTICS_CI.CI.PII_EMAIL force",
        ):
            cur.execute(statement)
        tables = cur.execute("select table_name, table_type from information_schema.tables "
                             "where table_schema = 'CI' and table_name in ('CUSTOMERS', 'V_CUSTOMERS') "
                             "order by 1").fetchall()
        assert tables == [("CUSTOMERS", "BASE TABLE"), ("V_CUSTOMERS", "VIEW")]


def test_module_entry_point_help() -> None:
    result = subprocess.run([sys.executable, "-m", "tools.emulator", "--help"], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0 and "serve" in result.stdout and "build" in result.stdout
