"""Fivetran's schema config (`GET /v1/connections/{id}/schemas`) → the tables a connector lands.

The config holds no data types, and its `columns` maps list only columns whose settings a user
changed; the per-table listing (`GET .../schemas/{schema}/tables/{table}/columns`) completes them.
Everything here is pure: documents in, dataclasses out, ToolError for input a user must fix.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.errors import ToolError
from tools.scaffold.naming import check_destination_name, fivetran_name

SOFT_DELETE = "SOFT_DELETE"
HISTORY = "HISTORY"
LIVE = "LIVE"
SYNC_MODES = (SOFT_DELETE, HISTORY, LIVE)

SYNCED = "_fivetran_synced"
DELETED = "_fivetran_deleted"
FIVETRAN_ID = "_fivetran_id"
ACTIVE = "_fivetran_active"
START = "_fivetran_start"
END = "_fivetran_end"
INDEX = "_fivetran_index"
SYSTEM_COLUMNS = (SYNCED, DELETED, FIVETRAN_ID, ACTIVE, START, END, INDEX)


@dataclass(frozen=True)
class Column:
    name: str  # as in the destination, lower snake case
    source_name: str
    data_type: str | None = None  # the landed type, None when no landed table told us
    primary_key: bool = False
    hashed: bool = False


@dataclass(frozen=True)
class Table:
    name: str  # as in the destination
    source_name: str
    sync_mode: str | None  # None: the connector offers no choice (treated as soft delete)
    columns: tuple[Column, ...]
    disabled_columns: tuple[str, ...] = ()  # destination names of columns turned off in Fivetran
    # False when the columns come from a schema config alone, which lists only the columns
    # someone changed in Fivetran: a column missing from it may still be synced
    columns_complete: bool = True

    def column(self, name: str) -> Column | None:
        for column in self.columns:
            if column.name == name:
                return column
        return None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


@dataclass(frozen=True)
class Schema:
    source_name: str  # the key in the config
    name_in_destination: str
    enabled: bool
    tables: tuple[Table, ...]
    disabled_tables: tuple[str, ...] = field(default=())


# --- reading files ----------------------------------------------------------------------------


def load_json(path: Path, what: str = "Fivetran schema file") -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ToolError(f"{what} {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ToolError(f"cannot read {what} {path}: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ToolError(f"{what} {path} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise ToolError(f"{what} {path} is nested too deeply to be a schema") from None


# --- shape checks -----------------------------------------------------------------------------


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ToolError(f"not a Fivetran schema config: {where} should be an object")
    return value


def _flag(item: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
    value = item.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ToolError(f"not a Fivetran schema config: {where}.{key} should be true or false, not {value!r}")
    return value


def _text(item: Mapping[str, Any], key: str, where: str) -> str | None:
    value = item.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ToolError(f"not a Fivetran schema config: {where}.{key} should be a non-empty string")
    return value


def _unwrap(doc: Any, inner_key: str, what: str) -> Mapping[str, Any]:
    """The `data` object of an API response (`{"code": "Success", "data": {...}}`) or a bare one."""
    if not isinstance(doc, Mapping):
        raise ToolError(f"not a {what}: the document should be a JSON object")
    code = doc.get("code")
    if code is not None and code != "Success":
        message = doc.get("message") or "no message"
        raise ToolError(f"the {what} is an error response from Fivetran: {code}: {message}")
    data = _mapping(doc["data"], "data") if "data" in doc else doc
    if inner_key not in data:
        raise ToolError(f"not a {what}: no {'data.' if 'data' in doc else ''}{inner_key} object in it")
    return data


def parse_column_listing(doc: Any) -> Mapping[str, Any]:
    """The `columns` object of a per-table column listing response."""
    data = _unwrap(doc, "columns", "Fivetran column listing")
    return _mapping(data["columns"], "data.columns")


def _destination(key: str, item: Mapping[str, Any], where: str, what: str) -> str:
    given = _text(item, "name_in_destination", where)
    if given is not None:
        return check_destination_name(given, f"{what} name_in_destination")
    try:
        return fivetran_name(key)
    except ToolError as exc:
        raise ToolError(f"{what} {key!r}: {exc}") from None


def _parse_table(
    key: str,
    item: Mapping[str, Any],
    where: str,
    listing: Mapping[str, Any] | None,
) -> Table:
    name = _destination(key, item, where, "table")
    sync_mode = _text(item, "sync_mode", where)
    if sync_mode is not None and sync_mode not in SYNC_MODES:
        raise ToolError(f"not a Fivetran schema config: {where}.sync_mode is {sync_mode!r}, "
                        f"expected one of {', '.join(SYNC_MODES)}")
    configured = _mapping(item.get("columns") or {}, f"{where}.columns")
    merged: dict[str, dict[str, Any]] = {}
    # The listing is the full column list; the config's entries are the user's changes.
    for source in (listing or {}, configured):
        for column_key, column_item in source.items():
            column_where = f"{where}.columns.{column_key}"
            merged.setdefault(column_key, {}).update(_mapping(column_item, column_where))
    columns: list[Column] = []
    disabled: list[str] = []
    seen: dict[str, str] = {}
    for column_key, column_item in merged.items():
        column_where = f"{where}.columns.{column_key}"
        if not _flag(column_item, "enabled", column_where, True):
            with contextlib.suppress(ToolError):  # a disabled column never lands, whatever its name
                disabled.append(_destination(column_key, column_item, column_where, "column"))
            continue
        column_name = _destination(column_key, column_item, column_where, f"column {key}.{column_key}:")
        if column_name in seen:
            raise ToolError(
                f"columns {seen[column_name]!r} and {column_key!r} of table {key!r} both map to {column_name!r}"
            )
        seen[column_name] = column_key
        columns.append(
            Column(
                name=column_name,
                source_name=column_key,
                primary_key=_flag(column_item, "is_primary_key", column_where, False),
                hashed=_flag(column_item, "hashed", column_where, False),
            )
        )
    return Table(
        name=name,
        source_name=key,
        sync_mode=sync_mode,
        columns=tuple(columns),
        disabled_columns=tuple(disabled),
        columns_complete=listing is not None,
    )


def parse_schema_config(
    doc: Any,
    column_listings: Mapping[str, Any] | None = None,
) -> list[Schema]:
    """Every schema in a schema-config response, with enabled tables and columns only.

    `column_listings` maps a table (its source name, destination name, or `schema.table`) to a
    parsed per-table column listing response.
    """
    data = _unwrap(doc, "schemas", "Fivetran schema config")
    schemas_item = _mapping(data["schemas"], "data.schemas")
    listings = {key: parse_column_listing(value) for key, value in (column_listings or {}).items()}
    used: set[str] = set()
    schemas: list[Schema] = []
    for schema_key, schema_value in schemas_item.items():
        where = f"data.schemas.{schema_key}"
        schema_item = _mapping(schema_value, where)
        tables_item = _mapping(schema_item.get("tables") or {}, f"{where}.tables")
        tables: list[Table] = []
        disabled: list[str] = []
        seen: dict[str, str] = {}
        for table_key, table_value in tables_item.items():
            table_where = f"{where}.tables.{table_key}"
            table_item = _mapping(table_value, table_where)
            if not _flag(table_item, "enabled", table_where, True):
                disabled.append(table_key)
                continue
            listing = None
            destination = _destination(table_key, table_item, table_where, "table")
            for candidate in (f"{schema_key}.{table_key}", table_key, destination):
                if candidate in listings:
                    listing = listings[candidate]
                    used.add(candidate)
                    break
            table = _parse_table(table_key, table_item, table_where, listing)
            if table.name in seen:
                raise ToolError(f"tables {seen[table.name]!r} and {table_key!r} both map to {table.name!r}")
            seen[table.name] = table_key
            tables.append(table)
        schemas.append(
            Schema(
                source_name=schema_key,
                name_in_destination=_destination(schema_key, schema_item, where, "schema"),
                enabled=_flag(schema_item, "enabled", where, True),
                tables=tuple(tables),
                disabled_tables=tuple(disabled),
            )
        )
    unused = sorted(set(listings) - used)
    if unused:
        raise ToolError(f"column listing given for unknown table {unused[0]!r}")
    return schemas


def select_schema(schemas: list[Schema], wanted: str | None) -> Schema:
    """The schema to scaffold: the one named (source or destination name), or the only enabled one."""
    if wanted is not None:
        for schema in schemas:
            if wanted in (schema.source_name, schema.name_in_destination):
                if not schema.enabled:
                    raise ToolError(f"schema {wanted!r} is disabled in the Fivetran schema config")
                return schema
        enabled = [schema for schema in schemas if schema.enabled]
        if len(enabled) == 1:
            # --schema names the raw schema; a SaaS connector's config holds one schema named otherwise.
            return enabled[0]
        have = ", ".join(s.source_name for s in schemas) or "none"
        raise ToolError(f"unknown schema {wanted!r}; the config has: {have}")
    enabled_schemas = [schema for schema in schemas if schema.enabled]
    if not enabled_schemas:
        raise ToolError("the Fivetran schema config has no enabled schema")
    if len(enabled_schemas) > 1:
        names = ", ".join(schema.source_name for schema in enabled_schemas)
        raise ToolError(f"the Fivetran schema config has several enabled schemas ({names}); pick one with --schema")
    return enabled_schemas[0]
