"""Reading landed tables: DuckDB for real, Snowflake through a stand-in connector."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import duckdb
import pytest

from tools.errors import ToolError
from tools.scaffold import warehouse
from tools.tests.conftest import PROJECT_ROOT


def test_duckdb_columns_types_and_declared_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDFORCE_WAREHOUSE_DIR", str(tmp_path))
    connection = duckdb.connect(str(tmp_path / "analytics_raw.duckdb"))
    connection.execute("create schema fivetran_x")
    connection.execute('create table fivetran_x."Lines" (job_id bigint, "Index" integer, amount decimal(12,2), '
                       "_fivetran_synced timestamptz, primary key (job_id, \"Index\"))")
    connection.execute("create table fivetran_x.other (id varchar)")
    connection.execute("create schema elsewhere")
    connection.execute("create table elsewhere.t (id varchar)")
    connection.close()
    landed = warehouse.read_landed_schema("FIVETRAN_X", "local", PROJECT_ROOT)
    assert sorted(landed.tables) == ["lines", "other"]
    assert [(c.name, c.data_type) for c in landed.tables["lines"]] == [
        ("job_id", "BIGINT"), ("index", "INTEGER"), ("amount", "DECIMAL(12,2)"),
        ("_fivetran_synced", "TIMESTAMP WITH TIME ZONE")]
    assert landed.primary_keys == {"lines": ("job_id", "index")}
    assert warehouse.read_landed_schema("nope", "local", PROJECT_ROOT).tables == {}


def test_missing_duckdb_file_is_unreachable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDFORCE_WAREHOUSE_DIR", str(tmp_path / "none"))
    with pytest.raises(warehouse.WarehouseUnreachable, match="no raw DuckDB database"):
        warehouse.read_landed_schema("fivetran_x", None, PROJECT_ROOT)


def test_unknown_target() -> None:
    with pytest.raises(ToolError, match="unknown target 'qa'"):
        warehouse.read_landed_schema("fivetran_x", "qa", PROJECT_ROOT)


def test_snowflake_needs_the_profiles_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SNOWFLAKE_ACCOUNT", raising=False)
    with pytest.raises(warehouse.WarehouseUnreachable, match="SNOWFLAKE_ACCOUNT is not set"):
        warehouse.read_landed_schema("fivetran_x", "dev", PROJECT_ROOT)


def test_snowflake_reads_information_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: dict[str, object] = {}

    class Cursor:
        def execute(self, sql: str, params: tuple[str, ...]) -> None:
            calls["sql"], calls["params"] = sql, params

        def fetchall(self) -> list[tuple[str, str, str]]:
            return [("ACCOUNT", "ID", "TEXT"), ("ACCOUNT", "ANNUAL_REVENUE", "NUMBER(18,2)"),
                    ("ACCOUNT", "_FIVETRAN_SYNCED", "TIMESTAMP_TZ")]

    class Connection:
        def __enter__(self) -> Connection:
            return self

        def __exit__(self, *args: object) -> None:
            return None

        def cursor(self) -> Cursor:
            return Cursor()

    def connect(**params: object) -> Connection:
        calls["connect"] = params
        return Connection()

    connector = types.ModuleType("snowflake.connector")
    connector.connect = connect  # type: ignore[attr-defined]
    package = types.ModuleType("snowflake")
    package.connector = connector  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snowflake", package)
    monkeypatch.setitem(sys.modules, "snowflake.connector", connector)
    monkeypatch.setenv("SNOWFLAKE_ACCOUNT", "acme-xy12345")
    monkeypatch.setenv("DBT_USER", "ana")
    monkeypatch.setenv("DBT_PASSWORD", "secret")

    landed = warehouse.read_landed_schema("fivetran_salesforce", "dev", PROJECT_ROOT)
    assert [(c.name, c.data_type) for c in landed.tables["account"]] == [
        ("id", "TEXT"), ("annual_revenue", "NUMBER(18,2)"), ("_fivetran_synced", "TIMESTAMP_TZ")]
    assert calls["params"] == ("fivetran_salesforce",)
    assert "analytics_raw.information_schema.columns" in str(calls["sql"])
    assert calls["connect"] == {"account": "acme-xy12345", "user": "ana",
                                "password": "secret",  # pragma: allowlist secret
                                "role": "DBT_DEV_ROLE", "warehouse": "DEV_WH", "login_timeout": 30}


def test_project_without_profiles_is_unreachable(tmp_path: Path) -> None:
    (tmp_path / "dbt_project.yml").write_text("name: bare\n")
    with pytest.raises(warehouse.WarehouseUnreachable, match="no .*profiles.yml"):
        warehouse.read_landed_schema("fivetran_x", None, tmp_path)
