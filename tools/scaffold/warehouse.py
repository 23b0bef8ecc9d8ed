"""The landed tables of a raw schema, with column names and types, read from a dbt target.

Local (`type: duckdb`): the raw DuckDB file under FIELDFORCE_WAREHOUSE_DIR, opened read-only.
Snowflake: information_schema of the raw database, connecting with the same environment variables
as profiles.yml (the profile's values are rendered with `env_var`, nothing else is read). The
Snowflake path cannot run here; it is kept small and on its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tools.errors import ToolError
from tools.paths import project_root, raw_database_path


@dataclass(frozen=True)
class LandedColumn:
    name: str  # lower case
    data_type: str


@dataclass(frozen=True)
class LandedSchema:
    schema: str
    tables: dict[str, tuple[LandedColumn, ...]]
    # Declared primary keys, where the warehouse keeps them (DuckDB does; Fivetran's Snowflake tables don't).
    primary_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)


class WarehouseUnreachable(ToolError):
    """The target's warehouse cannot be read (no file, no credentials, no network)."""


def _profile_output(target: str | None, project_dir: Path) -> tuple[str, dict[str, Any]]:
    path = project_dir / "profiles.yml"
    try:
        profiles = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WarehouseUnreachable(f"no {path}") from None
    except (OSError, yaml.YAMLError) as exc:
        raise ToolError(f"cannot read {path}: {exc}") from None
    profile = (profiles or {}).get("dbt_fieldforce") or {}
    outputs = profile.get("outputs") or {}
    name = target or os.environ.get("DBT_TARGET") or "local"
    if name not in outputs:
        raise ToolError(f"unknown target {name!r}; profiles.yml has: {', '.join(outputs)}")
    return name, _render(outputs[name])


def _render(value: Any) -> Any:
    """Render `{{ env_var('X', 'default') }}` (and filters) the way dbt would, with jinja2."""
    if isinstance(value, dict):
        return {key: _render(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_render(item) for item in value]
    if isinstance(value, str) and "{{" in value:
        import jinja2

        def env_var(key: str, default: str | None = None) -> str:
            if key in os.environ:
                return os.environ[key]
            if default is None:
                raise WarehouseUnreachable(f"environment variable {key} is not set")
            return default

        return jinja2.Environment().from_string(value).render(env_var=env_var)
    return value


def raw_database_name(project_dir: Path) -> str:
    try:
        project = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8"))
        return str((project.get("vars") or {}).get("raw_database") or "analytics_raw")
    except (OSError, yaml.YAMLError):
        return "analytics_raw"


def read_landed_schema(schema: str, target: str | None = None, project_dir: Path | None = None) -> LandedSchema:
    """Every table of `schema` in the target's raw database. Raises WarehouseUnreachable."""
    root = project_root(project_dir)
    target_name, output = _profile_output(target, root)
    kind = output.get("type")
    if kind == "duckdb":
        return _read_duckdb(raw_database_path(root), schema)
    if kind == "snowflake":
        return _read_snowflake(output, raw_database_name(root), schema)
    raise ToolError(f"target {target_name!r} is of type {kind!r}; only duckdb and snowflake are supported")


def _read_duckdb(path: Path, schema: str) -> LandedSchema:
    from tools.duckdb_file import open_duckdb

    if not path.exists():
        raise WarehouseUnreachable(f"no raw DuckDB database at {path}")
    try:
        connection = open_duckdb(path, read_only=True)
    except ToolError as exc:
        raise WarehouseUnreachable(str(exc)) from None
    try:
        rows = connection.execute(
            """
            select table_name, column_name, data_type
            from information_schema.columns
            where table_catalog = current_database() and lower(table_schema) = lower(?)
            order by table_name, ordinal_position
            """,
            [schema],
        ).fetchall()
        keys = connection.execute(
            """
            select table_name, constraint_column_names
            from duckdb_constraints()
            where database_name = current_database() and lower(schema_name) = lower(?)
                and constraint_type = 'PRIMARY KEY'
            """,
            [schema],
        ).fetchall()
    finally:
        connection.close()
    return _landed(schema, rows, {table.lower(): tuple(c.lower() for c in cols) for table, cols in keys})


def _read_snowflake(output: dict[str, Any], database: str, schema: str) -> LandedSchema:
    try:
        import snowflake.connector
    except ImportError:
        raise WarehouseUnreachable("snowflake-connector-python is not installed") from None
    params: dict[str, Any] = {
        key: output[key] for key in ("account", "user", "password", "role", "warehouse") if output.get(key)
    }
    passphrase = output.get("private_key_passphrase") or None
    if output.get("private_key_path"):
        params["private_key_file"] = output["private_key_path"]
        if passphrase:
            params["private_key_file_pwd"] = passphrase
    elif output.get("private_key"):
        from cryptography.hazmat.primitives import serialization

        try:
            key = serialization.load_pem_private_key(
                str(output["private_key"]).encode(), password=passphrase.encode() if passphrase else None
            )
        except (ValueError, TypeError) as exc:
            raise WarehouseUnreachable(f"cannot read the Snowflake private key: {exc}") from None
        params["private_key"] = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    try:
        with snowflake.connector.connect(**params, login_timeout=30) as connection:
            cursor = connection.cursor()
            cursor.execute(
                f"""
                select table_name, column_name,
                    case when data_type = 'NUMBER'
                        then 'NUMBER(' || numeric_precision || ',' || numeric_scale || ')'
                        else data_type end
                from {database}.information_schema.columns
                where table_schema = upper(%s)
                order by table_name, ordinal_position
                """,
                (schema,),
            )
            rows = cursor.fetchall()
    except Exception as exc:  # noqa: BLE001 - the connector raises many types; all mean "cannot read"
        raise WarehouseUnreachable(f"cannot read Snowflake: {exc}") from None
    return _landed(schema, rows, {})


def _landed(schema: str, rows: list[tuple[Any, ...]], keys: dict[str, tuple[str, ...]]) -> LandedSchema:
    tables: dict[str, list[LandedColumn]] = {}
    for table, column, data_type in rows:
        tables.setdefault(str(table).lower(), []).append(LandedColumn(str(column).lower(), str(data_type)))
    return LandedSchema(schema=schema, tables={k: tuple(v) for k, v in tables.items()}, primary_keys=keys)
