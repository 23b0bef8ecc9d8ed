"""`tools scaffold-source`: a connector's tables → the staging folder for it.

Three steps, kept apart so tests can call each one:

1. resolve: Fivetran's schema config and/or the landed tables → `Model`s (tables with their
   columns, types, key and sync mode);
2. plan (pure): models → the desired text of every staging SQL file and the desired content of
   the two YAML files;
3. apply: compare with the folder (hand-edit detection, YAML merge), then print, diff or write.

Hand-edited SQL: the folder keeps `.scaffold.json`, the SHA-256 of every SQL file as the
scaffolder last wrote it. A SQL file whose bytes still match is the scaffolder's and is
regenerated when the connector changes; any other difference means a person changed it, and it
is never overwritten (reported as "left alone").
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tools import fivetran as ft
from tools.errors import ToolError
from tools.fsio import atomic_write, check_writable_dir, ensure_writable_dir, read_text
from tools.naming import MAX_IDENTIFIER_LENGTH, fivetran_name, humanize, needs_quoting, singular, sql_column
from tools.pii import pii_class_of
from tools.types import TypeInfo, type_info
from tools.warehouse import LandedColumn, LandedSchema
from tools.yamlio import Flow, FlowList, Unmatched, merge, unmatched

MANIFEST = ".scaffold.json"
SOURCE_NAME = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
# A Fivetran destination schema: lower case letters, digits and underscores, not starting with a
# digit; the name is written into the sources YAML and compiled into SQL, so nothing else passes.
SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


# Freshness per source, from the sync cadence in the SDD ("Data Sources"): warn after two missed
# syncs, error after four (Google Sheets, daily: after two and three days), as the hand-written
# sources of this project do. Any other connector gets the SDD's thresholds for the 15-minute
# Postgres connector; --warn-after / --error-after override both.
DEFAULT_FRESHNESS = ((30, "minute"), (60, "minute"))
FRESHNESS = {
    "postgres": ((30, "minute"), (60, "minute")),  # every 15 minutes
    "servicetitan": ((60, "minute"), (120, "minute")),  # every 30 minutes
    "salesforce": ((2, "hour"), (4, "hour")),  # hourly
    "telematics": ((2, "hour"), (4, "hour")),  # hourly
    "gps": ((2, "hour"), (4, "hour")),
    "quickbooks": ((12, "hour"), (24, "hour")),  # every 6 hours
    "sheets": ((48, "hour"), (72, "hour")),  # daily
    "google_sheets": ((48, "hour"), (72, "hour")),
}

SYSTEM_DESCRIPTIONS = {
    ft.SYNCED: "When Fivetran last wrote this row (UTC).",
    ft.DELETED: "True when the row was deleted in the source (Fivetran soft delete).",
    ft.FIVETRAN_ID: "Fivetran's hash of the row, the key of tables without a primary key.",
    ft.INDEX: "Orders the updates of a table without a primary key.",
    ft.ACTIVE: "True for the current version of the row (history mode).",
    ft.START: "When this version of the row became current (history mode).",
    ft.END: "When this version stopped being current; the maximum timestamp while it is current (history mode).",
}
SYSTEM_TYPES = {
    ft.SYNCED: "timestamp with time zone",
    ft.DELETED: "boolean",
    ft.FIVETRAN_ID: "varchar",
    ft.INDEX: "bigint",
    ft.ACTIVE: "boolean",
    ft.START: "timestamp with time zone",
    ft.END: "timestamp with time zone",
}


# --- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    count: int
    period: str  # minute | hour | day

    def flow(self) -> Flow:
        return Flow(count=self.count, period=self.period)


_PERIOD = re.compile(r"^\s*(\d+)\s*(minute|hour|day)s?\s*$", re.IGNORECASE)


def parse_period(text: str) -> Period:
    """`"12 hour"`, `"30 minutes"`, `"1 day"` → Period; ValueError otherwise."""
    match = _PERIOD.match(text)
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a period such as '30 minute', '12 hour' or '1 day'")
    return Period(int(match.group(1)), match.group(2).lower())


def default_freshness(source: str) -> tuple[Period, Period]:
    warn, error = FRESHNESS.get(source, DEFAULT_FRESHNESS)
    return Period(*warn), Period(*error)


@dataclass(frozen=True)
class Settings:
    source: str  # the argument: models/staging/<source>/, stg_<source>__<table>
    schema: str  # the raw schema
    warn_after: Period
    error_after: Period

    @property
    def source_name(self) -> str:
        return f"fivetran_{self.source}"


MAX_SOURCE_NAME_LENGTH = 64  # stg_<source>__<table>.sql must stay a file name
MAX_FILE_NAME_BYTES = 255  # ext4, APFS, NTFS


def check_source_name(source: str) -> str:
    if len(source) > MAX_SOURCE_NAME_LENGTH:
        raise ToolError(f"source name {source[:40]!r}... is {len(source)} characters; at most "
                        f"{MAX_SOURCE_NAME_LENGTH}, so that its model files can be named")
    if not SOURCE_NAME.fullmatch(source):
        raise ToolError(
            f"source name {source!r} must be lower snake case (letters, digits, single underscores), "
            "such as hubspot or google_sheets"
        )
    return source


def check_schema_name(schema: str) -> str:
    """The raw schema as written into the sources YAML: a plain identifier (compared lower case)."""
    lowered = schema.lower()
    if not SCHEMA_NAME.fullmatch(lowered) or len(lowered) > MAX_IDENTIFIER_LENGTH:
        shown = schema if len(schema) <= 60 else schema[:57] + "..."
        raise ToolError(
            f"schema {shown!r} is not a Fivetran schema name: letters, digits and underscores, "
            f"not starting with a digit, at most {MAX_IDENTIFIER_LENGTH} characters"
        )
    return lowered


# --- step 1: resolve --------------------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    """A table to stage, everything known about it."""

    table: ft.Table
    key: tuple[str, ...]
    key_kind: str  # declared | id | fivetran_id | row
    sync_mode: str  # SOFT_DELETE | HISTORY | LIVE
    landed: bool  # types come from a landed table

    @property
    def name(self) -> str:
        return self.table.name

    def type_of(self, column: ft.Column) -> TypeInfo:
        return type_info(column.data_type)


@dataclass
class Resolution:
    models: list[Model]
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    partial: bool = False  # some tables picked (--tables): the others are not compared


def _system_columns(sync_mode: str | None, keyless: bool) -> list[ft.Column]:
    names = [ft.SYNCED]
    if sync_mode == ft.HISTORY:
        names += [ft.ACTIVE, ft.START, ft.END]
    elif sync_mode != ft.LIVE:
        names.append(ft.DELETED)
    if keyless:
        names.append(ft.FIVETRAN_ID)
    return [ft.Column(name=name, source_name=name, data_type=SYSTEM_TYPES[name]) for name in names]


def _sync_mode(table: ft.Table, landed: bool) -> str:
    names = set(table.column_names)
    if table.sync_mode:
        return table.sync_mode
    if ft.ACTIVE in names:
        return ft.HISTORY
    if ft.DELETED in names or not landed:
        return ft.SOFT_DELETE
    return ft.LIVE


def _key(table: ft.Table, override: tuple[str, ...] | None,
         declared: tuple[str, ...] = ()) -> tuple[tuple[str, ...], str]:
    names = table.column_names
    if override:
        unknown = [name for name in override if name not in names]
        if unknown:
            raise ToolError(f"--key {table.name}: table {table.name!r} has no column {unknown[0]!r}")
        return override, "declared"
    flagged = tuple(column.name for column in table.columns if column.primary_key)
    if flagged:
        return flagged, "declared"
    if declared and all(name in names for name in declared):
        return declared, "declared"
    if "_row" in names:  # Google Sheets: Fivetran keys every sheet by its row number
        return ("_row",), "row"
    if "id" in names:
        return ("id",), "id"
    if ft.FIVETRAN_ID in names:
        return (ft.FIVETRAN_ID,), "fivetran_id"
    raise ToolError(
        f"table {table.name!r} has no primary key, no id and no _fivetran_id column; "
        f"name one with --key {table.name}=COLUMN"
    )


def _merge_landed(table: ft.Table, landed: tuple[LandedColumn, ...], disabled: set[str]) -> ft.Table:
    configured = {column.name: column for column in table.columns}
    columns: list[ft.Column] = []
    for landed_column in landed:
        if landed_column.name in disabled:
            continue
        base = configured.pop(landed_column.name, None) or ft.Column(landed_column.name, landed_column.name)
        columns.append(replace(base, data_type=landed_column.data_type))
    columns.extend(configured.values())  # enabled in Fivetran but not landed yet: type unknown
    return replace(table, columns=tuple(columns), columns_complete=True)


def _connector_tables(schema: ft.Schema | None, landed: LandedSchema | None, resolution: Resolution) -> list[ft.Table]:
    """The tables to consider: the schema config's enabled ones, else every landed one."""
    if schema is not None:
        resolution.skipped.extend(f"{name} (disabled in Fivetran)" for name in schema.disabled_tables)
        return list(schema.tables)
    if landed is not None:
        return [
            ft.Table(
                name=name,
                source_name=name,
                sync_mode=None,
                columns=tuple(ft.Column(c.name, c.name, c.data_type) for c in columns),
            )
            for name, columns in sorted(landed.tables.items())
        ]
    raise ToolError("nothing to scaffold from: give --fivetran-schema or --from-warehouse")  # pragma: no cover


def _picked_tables(tables: list[ft.Table], only: Iterable[str], keys: dict[str, tuple[str, ...]],
                   resolution: Resolution) -> list[ft.Table]:
    """`--table` narrows the tables (the run is then partial); `--key` must name one of them."""
    wanted = list(only)
    if wanted:
        known = {table.name: table for table in tables} | {table.source_name: table for table in tables}
        unknown = [name for name in wanted if name not in known]
        if unknown:
            raise ToolError(f"unknown table {unknown[0]!r}; the connector has: {', '.join(t.name for t in tables)}")
        picked = {known[name].name for name in wanted}
        tables = [table for table in tables if table.name in picked]
        resolution.partial = True
    table_names = {table.name for table in tables} | {table.source_name for table in tables}
    for name in keys:
        if name not in table_names:
            raise ToolError(f"--key names unknown table {name!r}")
    return tables


def _completed_table(table: ft.Table, landed_columns: tuple[LandedColumn, ...] | None, from_schema: bool,
                     override: tuple[str, ...] | None) -> tuple[ft.Table, bool]:
    """The table with its landed types merged in (or, not landed, the system columns Fivetran
    will add) and system columns typed; and whether its key has to be guessed."""
    keyless = False
    if landed_columns and from_schema:
        table = _merge_landed(table, landed_columns, set(table.disabled_columns))
    elif not landed_columns:
        keyless = not override and not any(c.primary_key for c in table.columns) and "id" not in table.column_names
        have = set(table.column_names)
        extra = [c for c in _system_columns(table.sync_mode, keyless) if c.name not in have]
        table = replace(table, columns=table.columns + tuple(extra))
    typed = tuple(
        replace(c, data_type=SYSTEM_TYPES[c.name]) if c.data_type is None and c.name in SYSTEM_TYPES else c
        for c in table.columns
    )
    return replace(table, columns=typed), keyless


def _resolution_notes(schema: ft.Schema | None, landed: LandedSchema | None, resolution: Resolution,
                      unlanded: list[str], guessed: list[str]) -> None:
    if unlanded and landed is not None:
        resolution.notes.append(
            f"not landed yet, column types fall back to string: {', '.join(unlanded)}"
        )
    elif unlanded:
        resolution.notes.append("no landed tables reachable: column types fall back to string")
    partial = [
        f"{model.name}.{column.name}"
        for model in resolution.models
        if model.landed
        for column in model.table.columns
        if column.data_type is None
    ]
    if partial:
        resolution.notes.append(f"enabled in Fivetran but not landed, type falls back to string: {', '.join(partial)}")
    if guessed:
        resolution.notes.append(
            "no primary key known, keyed by _fivetran_id (give --key or --table-columns if it has one): "
            + ", ".join(guessed)
        )
    if schema is not None and landed is not None:
        configured = ({table.name for table in schema.tables}
                      | {fivetran_name_or_none(n) for n in schema.disabled_tables})
        extra = sorted(name for name in landed.tables if name not in configured)
        if extra:
            resolution.notes.append(f"landed but not in the schema config, not scaffolded: {', '.join(extra)}")


def resolve(
    schema: ft.Schema | None,
    landed: LandedSchema | None,
    *,
    keys: dict[str, tuple[str, ...]] | None = None,
    only: Iterable[str] = (),
) -> Resolution:
    """The models to stage, from the schema config (if any) and the landed tables (if reachable)."""
    keys = dict(keys or {})
    resolution = Resolution(models=[])
    tables = _picked_tables(_connector_tables(schema, landed, resolution), only, keys, resolution)
    unlanded: list[str] = []
    guessed: list[str] = []
    for configured in tables:
        landed_columns = landed.tables.get(configured.name) if landed is not None else None
        declared = landed.primary_keys.get(configured.name, ()) if landed is not None else ()
        override = keys.get(configured.name) or keys.get(configured.source_name)
        table, keyless = _completed_table(configured, landed_columns, schema is not None, override)
        if not landed_columns:
            unlanded.append(table.name)
        if keyless:
            guessed.append(table.name)
        if ft.SYNCED not in table.column_names:
            resolution.skipped.append(f"{table.name} (no _fivetran_synced column: not a Fivetran table)")
            continue
        key, kind = _key(table, override, declared)
        mode = _sync_mode(table, bool(landed_columns))
        resolution.models.append(
            Model(table=table, key=key, key_kind=kind, sync_mode=mode, landed=bool(landed_columns))
        )
    _resolution_notes(schema, landed, resolution, unlanded, guessed)
    if not resolution.models:
        raise ToolError("the connector has no enabled table to scaffold")
    return resolution


def fivetran_name_or_none(name: str) -> str | None:
    try:
        return fivetran_name(name)
    except ToolError:
        return None


# --- step 2: plan -----------------------------------------------------------------------------


def model_name(settings: Settings, model: Model) -> str:
    return f"stg_{settings.source}__{model.name}"


def _is_system(name: str) -> bool:
    return name.startswith("_fivetran_")


def _partition_by(columns: Iterable[str]) -> str:
    """A Jinja expression for deduplicate's partition_by, quoting reserved words through the macro."""
    pieces: list[tuple[bool, str]] = []  # (is_literal, text)
    for position, name in enumerate(columns):
        if position:
            pieces.append((True, ", "))
        pieces.append((False, f"quote_identifier('{name}')") if needs_quoting(name) else (True, name))
    merged: list[tuple[bool, str]] = []
    for literal, text in pieces:
        if literal and merged and merged[-1][0]:
            merged[-1] = (True, merged[-1][1] + text)
        else:
            merged.append((literal, text))
    return " ~ ".join(f"'{text}'" if literal else text for literal, text in merged)


def _filters(model: Model) -> list[str]:
    """Conditions that drop deleted rows: history's _fivetran_active, _fivetran_deleted, Salesforce's is_deleted."""
    names = set(model.table.column_names)
    filters: list[str] = []
    if model.sync_mode == ft.HISTORY and ft.ACTIVE in names:
        filters.append(ft.ACTIVE)
    if ft.DELETED in names and model.sync_mode != ft.LIVE:
        filters.append(f"not coalesce({ft.DELETED}, false)")
    if _filters_is_deleted(model):
        filters.append("not coalesce(is_deleted, false)")
    return filters


def _filters_is_deleted(model: Model) -> bool:
    column = model.table.column("is_deleted")
    if column is None or "is_deleted" in model.key:
        return False
    return column.data_type is None or model.type_of(column).family == "boolean"


def output_columns(model: Model) -> list[ft.Column]:
    """The columns a staging model selects: all but those its filter makes constant."""
    drop: set[str] = set()
    if model.sync_mode == ft.HISTORY:
        drop |= {ft.ACTIVE, ft.END}
    if ft.DELETED in model.table.column_names and model.sync_mode != ft.LIVE:
        drop.add(ft.DELETED)
    if _filters_is_deleted(model):
        drop.add("is_deleted")
    return [column for column in model.table.columns if column.name not in drop or column.name in model.key]


def _group(model: Model, column: ft.Column) -> str:
    if _is_system(column.name):
        return "metadata"
    if column.name in model.key or column.name == "id" or column.name.endswith("_id"):
        return "ids"
    info = model.type_of(column)
    family = info.family
    if family in ("timestamp", "timestamp_tz", "date", "time"):
        return "timestamps"
    if not info.known and column.name.endswith(TIME_SUFFIXES):
        return "timestamps"
    if family in ("integer", "bigint", "numeric", "float"):
        return "measures"
    return "attributes"


# Without a landed type, names like these still go under `-- timestamps` (uncast).
TIME_SUFFIXES = ("_at", "_date", "_time", "_timestamp", "_modstamp", "_on")
GROUPS = ("ids", "attributes", "measures", "timestamps", "metadata")
SYSTEM_ORDER = {name: position for position, name in enumerate(ft.SYSTEM_COLUMNS)}


def _select_item(model: Model, column: ft.Column) -> str:
    """One select-list line (without its comma); a long cast puts its alias on the next line."""
    sql = sql_column(column.name)
    info = model.type_of(column)
    if info.cast_in_staging and not _is_system(column.name) and info.macro:
        cast = f"cast({sql} as {{{{ {info.macro} }}}})"
        if len(f"{SELECT_INDENT}{cast} as {sql},") > MAX_LINE:
            return f"{cast}\n    as {sql}"
        return f"{cast} as {sql}"
    return sql


MAX_LINE = 120  # sqlfluff's max_line_length in .sqlfluff
SELECT_INDENT = " " * 8


def _call(indent: str, name: str, args: list[str]) -> str:
    """`{{ name(a, b) }}` on one line, or one argument per line when that is too long."""
    one_line = f"{indent}{{{{ {name}({', '.join(args)}) }}}}"
    if len(one_line) <= MAX_LINE:
        return one_line
    inner = ",\n".join(f"{indent}    {arg}" for arg in args)
    return f"{indent}{{{{ {name}(\n{inner}\n{indent}) }}}}"


def staging_sql(settings: Settings, model: Model) -> str:
    """The staging model in the house style (see docs/scaffold.md)."""
    items: list[str] = []
    previous = None
    for column in _sql_order(model):
        group = _group(model, column)
        if group != previous:
            if items:
                items.append("")
            items.append(f"-- {group}")
            previous = group
        items.append(_select_item(model, column) + ",")
    last = max(i for i, line in enumerate(items) if line.endswith(","))
    items[last] = items[last][:-1]

    by_start = model.sync_mode == ft.HISTORY and ft.START in model.table.column_names
    order_by = f"{ft.START} desc" if by_start else f"{ft.SYNCED} desc"
    filters = _filters(model)
    where = ""
    if filters:
        where = "\n    where " + filters[0] + "".join(f"\n        and {f}" for f in filters[1:])
    select_list = "\n".join(
        "\n".join(SELECT_INDENT + part if part.strip() else part for part in line.split("\n")) if line else ""
        for line in items
    )
    source_call = f"{{{{ source('{settings.source_name}', '{model.name}') }}}}"
    if len(f"    select * from {source_call}") > MAX_LINE:
        source_call = f"{{{{ source(\n        '{settings.source_name}',\n        '{model.name}'\n    ) }}}}"
    dedupe_call = _call("    ", "deduplicate", [
        "'source'", f"partition_by={_partition_by(model.key)}", f"order_by='{order_by}'"])
    return f"""with

source as (

    select * from {source_call}

),

latest as (

{dedupe_call}

),

renamed as (

    select
{select_list}

    from latest{where}

)

select * from renamed
"""


def _quoted_upper(name: str) -> str:
    """A column as a test argument: plain, or quoted upper case, which matches on both targets
    (Snowflake stores Fivetran's unquoted names upper case; DuckDB matches quoted names without case).
    Test arguments are not rendered with Jinja, so the quote_identifier macro cannot be used here."""
    return f'"{name.upper()}"' if needs_quoting(name) else name


def _key_tests(
    key: tuple[str, ...], unique_severity: str | None
) -> tuple[dict[str, list[Any]], list[Any]]:
    """(tests per key column, tests on the table/model) for a primary key.

    A single plain key: `unique` + `not_null` on the column. A composite key or one that must be
    quoted: the project's `unique_combination_of_columns` on the table, `not_null` on each part.
    """
    config = {"config": {"severity": unique_severity}} if unique_severity else {}
    per_column: dict[str, list[Any]] = {}
    table_level: list[Any] = []
    if len(key) == 1 and not needs_quoting(key[0]):
        per_column[key[0]] = [{"unique": config} if config else "unique", "not_null"]
        return per_column, table_level
    table_level.append({
        "unique_combination_of_columns": {
            "arguments": {"combination_of_columns": FlowList(_quoted_upper(name) for name in key)},
            **config,
        }
    })
    for name in key:
        if needs_quoting(name):
            table_level.append({"not_null": {"arguments": {"column_name": _quoted_upper(name)}}})
        else:
            per_column[name] = ["not_null"]
    return per_column, table_level


def _entity(model: Model) -> str:
    return humanize(singular(model.name))


def _column_description(model: Model, column: ft.Column, key: tuple[str, ...]) -> str:
    if column.name in SYSTEM_DESCRIPTIONS and not (column.name in key and len(key) == 1):
        text = SYSTEM_DESCRIPTIONS[column.name]
    elif column.name in key and len(key) == 1:
        text = f"Primary key of the {_entity(model)}." if column.name != ft.FIVETRAN_ID else (
            "Fivetran's hash of the row, the key of this table (it has no primary key)."
        )
    elif column.name in key:
        text = f"Part of the primary key ({', '.join(key)})."
    elif column.name == "is_deleted":
        text = "True when the source marks the record deleted."
    elif column.name.endswith("_id") and len(column.name) > 3:
        text = f"Id of the {humanize(column.name[:-3])}."
    elif column.name.endswith("_c") and len(column.name) > 2:
        words = humanize(column.name[:-2])
        text = f"{words[:1].upper() + words[1:]} (custom field)."
    else:
        words = humanize(column.name)
        text = (words[:1].upper() + words[1:] + ".") if words else "Column."
    if column.hashed:
        text += " Hashed by Fivetran, so it holds a hash of the source value, not the value."
    return text


def _mode_phrase(model: Model) -> str:
    return {
        ft.SOFT_DELETE: "in soft-delete mode (deleted rows flagged, not removed)",
        ft.HISTORY: "in history mode (every version, the current one flagged by _fivetran_active)",
        ft.LIVE: "in live mode (deleted rows removed)",
    }[model.sync_mode]


def _title(settings: Settings) -> str:
    return humanize(settings.source).title()


def source_table_entry(settings: Settings, model: Model) -> dict[str, Any]:
    history = model.sync_mode == ft.HISTORY and ft.START in model.table.column_names
    key = model.key + ((ft.START,) if history else ())
    per_column, table_level = _key_tests(key, unique_severity="warn")
    if history:
        per_column.pop(ft.START, None)
    entry: dict[str, Any] = {
        "name": model.name,
        "description": f"{_title(settings)} {humanize(model.name)} rows as Fivetran lands them, {_mode_phrase(model)}.",
    }
    if needs_quoting(model.name):
        entry["identifier"] = model.name.upper()
        entry["quoting"] = {"identifier": True}
    if table_level:
        entry["data_tests"] = table_level
    columns = []
    for column in model.table.columns:
        item: dict[str, Any] = {
            "name": column.name,
            "description": _column_description(model, column, model.key),
            "data_type": model.type_of(column).data_type,
        }
        if column.name in per_column:
            item["data_tests"] = per_column[column.name]
        columns.append(item)
    entry["columns"] = columns
    return entry


def sources_doc(settings: Settings, models: list[Model]) -> dict[str, Any]:
    return {
        "version": 2,
        "sources": [
            {
                "name": settings.source_name,
                "description": f"{_title(settings)}, landed by Fivetran in {settings.schema}.",
                "database": "{{ var('raw_database') }}",
                "schema": settings.schema,
                "loader": "fivetran",
                "config": {
                    "loaded_at_field": ft.SYNCED,
                    "freshness": {
                        "warn_after": settings.warn_after.flow(),
                        "error_after": settings.error_after.flow(),
                    },
                },
                "tables": [source_table_entry(settings, model) for model in models],
            }
        ],
    }


def model_entry(settings: Settings, model: Model) -> dict[str, Any]:
    per_column, table_level = _key_tests(model.key, unique_severity=None)
    entity = _entity(model)
    grain = "one row per distinct row Fivetran landed" if model.key_kind == "fivetran_id" else f"one row per {entity}"
    version = "its current version" if model.sync_mode == ft.HISTORY else "its latest version"
    removed = ", deleted rows removed" if _filters(model) else ""
    entry: dict[str, Any] = {
        "name": model_name(settings, model),
        "description": f"{grain[:1].upper() + grain[1:]} in {_title(settings)}, {version}{removed}.",
    }
    if table_level:
        entry["data_tests"] = table_level
    columns = []
    for column in output_columns(model):
        item: dict[str, Any] = {"name": column.name, "description": _column_description(model, column, model.key)}
        if column.name in per_column:
            item["data_tests"] = per_column[column.name]
        pii = pii_class_of(column.name)
        if pii is not None and column.name not in model.key:
            # masked on Snowflake from the first run (docs/snowflake.md); review the guess
            item["config"] = {"meta": {"pii": pii}}
        columns.append(item)
    # Same column order as the SQL: group by group.
    order = {c.name: i for i, c in enumerate(_sql_order(model))}
    entry["columns"] = sorted(columns, key=lambda item: order[item["name"]])
    return entry


def _sql_order(model: Model) -> list[ft.Column]:
    grouped: dict[str, list[ft.Column]] = {group: [] for group in GROUPS}
    for column in output_columns(model):
        grouped[_group(model, column)].append(column)
    key_order = {name: position for position, name in enumerate(model.key)}
    grouped["ids"].sort(key=lambda c: (c.name not in key_order, key_order.get(c.name, 0)))
    grouped["metadata"].sort(key=lambda c: SYSTEM_ORDER.get(c.name, len(SYSTEM_ORDER)))
    return [column for group in GROUPS for column in grouped[group]]


def models_doc(settings: Settings, models: list[Model]) -> dict[str, Any]:
    return {"version": 2, "models": [model_entry(settings, model) for model in models]}


# --- step 3: apply ----------------------------------------------------------------------------

ADDED = "added"
UPDATED = "updated"
UNCHANGED = "unchanged"
LEFT_ALONE = "left alone"


@dataclass
class FileChange:
    path: Path
    status: str
    old: str | None
    new: str  # what would be written (for LEFT_ALONE: what the generator would write)
    detail: str = ""

    @property
    def writes(self) -> bool:
        return self.status in (ADDED, UPDATED)


@dataclass
class Outcome:
    folder: Path
    changes: list[FileChange]
    notes: list[str]
    manifest: FileChange | None = None
    # listed in the YAML files but no longer in the connector: reported, never removed, since
    # the entries may carry hand-written docs and tests, and models downstream may still use them
    gone: list[str] = field(default_factory=list)

    @property
    def out_of_date(self) -> bool:
        return any(change.writes for change in self.changes)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_manifest(folder: Path) -> dict[str, str]:
    text = read_text(folder / MANIFEST)
    if text is None:
        return {}
    try:
        doc = json.loads(text)
        files = doc["files"]
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            raise ValueError
        return dict(files)
    except (ValueError, KeyError, TypeError, RecursionError):
        raise ToolError(f"{folder / MANIFEST} is damaged; "
                        "delete it to treat every existing SQL file as hand-edited") from None


def render_manifest(files: dict[str, str]) -> str:
    doc = {
        "about": "Written by `tools scaffold-source`: SHA-256 of each staging SQL file as last generated. "
        "A file whose hash differs was edited by hand and is never overwritten.",
        "files": dict(sorted(files.items())),
    }
    return json.dumps(doc, indent=2) + "\n"


def plan_folder(settings: Settings, models: list[Model], folder: Path, complete: bool = True) -> Outcome:
    """Compare what the connector needs with the folder; nothing is written. `complete`: `models`
    is the whole connector, so what the YAML lists beyond it has gone from the connector."""
    manifest = _read_manifest(folder)
    new_manifest = dict(manifest)
    changes: list[FileChange] = []
    notes: list[str] = []
    yaml_models: list[Model] = []
    sources_path = folder / f"_{settings.source}__sources.yml"
    # what the sources file lists beyond the connector: gone, or (for a table known from a schema
    # config alone, which lists only the columns someone changed) columns it may still sync
    sources = sources_doc(settings, models)
    beyond = unmatched(read_text(sources_path), sources, what=str(sources_path))
    unlisted_columns: dict[str, set[str]] = {}
    for item in beyond:
        if item.kind == "column":
            unlisted_columns.setdefault(item.within[-1].lower(), set()).add(item.name.lower())
    for model in models:
        filename = f"{model_name(settings, model)}.sql"
        path = folder / filename
        desired = staging_sql(settings, model)
        current = read_text(path)
        # regenerating from a schema config alone would drop from the model the columns it does
        # not list; one turned off in Fivetran is gone for sure
        unlisted = ([] if model.table.columns_complete
                    else sorted(unlisted_columns.get(model.name.lower(), set())
                                - {c.lower() for c in model.table.disabled_columns}))
        if current is not None and current != desired and unlisted:
            changes.append(
                FileChange(path, LEFT_ALONE, current, desired,
                           f"the schema config alone does not list {', '.join(unlisted)}: give --table-columns "
                           "or reach the landed tables to regenerate it")
            )
        elif current is None:
            changes.append(FileChange(path, ADDED, None, desired))
            new_manifest[filename] = _sha(desired)
            yaml_models.append(model)
        elif current == desired:
            changes.append(FileChange(path, UNCHANGED, current, desired))
            new_manifest[filename] = _sha(desired)
            yaml_models.append(model)
        elif manifest.get(filename) == _sha(current):
            changes.append(FileChange(path, UPDATED, current, desired, "regenerated: the connector changed"))
            new_manifest[filename] = _sha(desired)
            yaml_models.append(model)
        else:
            changes.append(
                FileChange(path, LEFT_ALONE, current, desired,
                           "edited by hand; its YAML entry is not extended either")
            )

    gone = _gone_from_connector(settings, models, yaml_models, folder, manifest, beyond) if complete else []
    for filename, doc in (
        (sources_path.name, sources),
        (f"_{settings.source}__models.yml", models_doc(settings, yaml_models)),
    ):
        path = folder / filename
        current = read_text(path)
        if "models" in doc and not doc["models"]:  # every SQL file is hand-edited
            if current is not None:
                changes.append(FileChange(path, UNCHANGED, current, current))
            continue
        merged, added = merge(current, doc, what=str(path))
        if current is None:
            changes.append(FileChange(path, ADDED, None, merged))
        elif merged == current:
            changes.append(FileChange(path, UNCHANGED, current, current))
        else:
            changes.append(FileChange(path, UPDATED, current, merged, "added " + _summary(added)))

    outcome = Outcome(folder=folder, changes=changes, notes=notes, gone=gone)
    manifest_text = render_manifest(new_manifest)
    old_manifest_text = read_text(folder / MANIFEST)
    if manifest_text != old_manifest_text:
        outcome.manifest = FileChange(
            folder / MANIFEST, ADDED if old_manifest_text is None else UPDATED, old_manifest_text, manifest_text
        )
    return outcome


def _gone_from_connector(
    settings: Settings,
    models: list[Model],
    yaml_models: list[Model],
    folder: Path,
    manifest: dict[str, str],
    beyond_sources: list[Unmatched],
) -> list[str]:
    """What the folder's YAML lists for this connector that the connector no longer has: its
    tables and their columns (`beyond_sources`: the sources file against the whole connector);
    the models the scaffolder generated, and their columns.

    Not compared: other sources in the sources file, models the scaffolder never wrote, the
    columns of a hand-edited model (its author's) and the columns of a table known from a schema
    config alone (which lists only the columns someone changed).
    """
    partial = {model.name.lower() for model in models if not model.table.columns_complete}
    from_sources = [
        item for item in beyond_sources
        if item.kind != "source" and not (item.kind == "column" and item.within[-1].lower() in partial)
    ]
    trusted_models = {model_name(settings, model) for model in yaml_models if model.name.lower() not in partial}
    every_model = models_doc(settings, models)
    every_model["models"] = [
        entry if entry["name"] in trusted_models else {key: value for key, value in entry.items() if key != "columns"}
        for entry in every_model["models"]
    ]
    models_path = folder / f"_{settings.source}__models.yml"
    from_models = [
        item for item in unmatched(read_text(models_path), every_model, what=str(models_path))
        if item.kind != "model" or f"{item.name}.sql" in manifest
    ]
    return ([f"_{settings.source}__sources.yml: {item}" for item in from_sources]
            + [f"{models_path.name}: {item}" for item in from_models])


def _summary(added: list[str]) -> str:
    """`model stg_x__a, stg_x__b.column c` for a few additions; counts by kind for many."""
    if len(added) <= 5:
        return ", ".join(added)
    kinds: dict[str, int] = {}
    for item in added:
        kind = item.rsplit(" ", 1)[0].rsplit(".", 1)[-1]
        kinds[kind] = kinds.get(kind, 0) + 1
    return ", ".join(f"{count} {kind}{'s' if count > 1 else ''}" for kind, count in kinds.items())


def diff(change: FileChange, root: Path) -> str:
    name = _relative(change.path, root)
    old = (change.old or "").splitlines(keepends=True)
    new = change.new.splitlines(keepends=True)
    return "".join(
        difflib.unified_diff(old, new, fromfile=f"a/{name}" if change.old is not None else "/dev/null",
                             tofile=f"b/{name}")
    )


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def write(outcome: Outcome) -> None:
    """Check the folder can be written, then replace each changed file atomically; SQL first,
    YAML next, the manifest last, so an interruption never marks an unwritten file as generated."""
    ensure_writable_dir(outcome.folder)
    for change in outcome.changes:
        if change.writes:
            atomic_write(change.path, change.new)
    if outcome.manifest is not None:
        atomic_write(outcome.manifest.path, outcome.manifest.new)


def report_lines(outcome: Outcome, root: Path) -> list[str]:
    lines = []
    width = max(len(status) for status in (ADDED, UPDATED, UNCHANGED, LEFT_ALONE))
    for change in outcome.changes:
        detail = f"  ({change.detail})" if change.detail else ""
        lines.append(f"{change.status:<{width}}  {_relative(change.path, root)}{detail}")
    counts = {status: sum(1 for c in outcome.changes if c.status == status)
              for status in (ADDED, UPDATED, UNCHANGED, LEFT_ALONE)}
    lines.append(", ".join(f"{count} {status}" for status, count in counts.items()))
    return lines


def run(
    settings: Settings,
    resolution: Resolution,
    folder: Path,
    root: Path,
    *,
    dry_run: bool = False,
    check: bool = False,
    echo: Callable[[str], None] = print,
) -> Outcome:
    """Plan, then print diffs (--dry-run, --check) or write; returns what happened."""
    if not (dry_run or check):
        check_writable_dir(folder)  # before reading or planning anything: nothing is touched on failure
    outcome = plan_folder(settings, resolution.models, folder, complete=not resolution.partial)
    for note in resolution.notes:
        echo(f"note: {note}")
    for skipped in resolution.skipped:
        echo(f"skipped: {skipped}")
    for item in outcome.gone:
        echo(f"gone: {item} is no longer in the connector (left in place: remove it and what uses it, "
             "or enable it again in Fivetran)")
    if dry_run or check:
        for change in outcome.changes:
            if change.writes or (change.status == LEFT_ALONE and change.old != change.new):
                if change.status == LEFT_ALONE:
                    echo(f"# {_relative(change.path, root)} is left alone (edited by hand); "
                         "the generator would change it:")
                echo(diff(change, root).rstrip("\n"))
    else:
        write(outcome)
    for line in report_lines(outcome, root):
        echo(line)
    if check:
        echo("out of date: run tools scaffold-source to update" if outcome.out_of_date else "up to date")
    elif dry_run:
        echo("dry run: nothing was written")
    return outcome


def scaffold_source(
    source: str,
    *,
    fivetran_schema: Path | None = None,
    table_columns: dict[str, Path] | None = None,
    from_warehouse: bool = False,
    use_warehouse: bool = True,
    target: str | None = None,
    schema: str | None = None,
    tables: Iterable[str] = (),
    keys: dict[str, tuple[str, ...]] | None = None,
    warn_after: Period | None = None,
    error_after: Period | None = None,
    project_dir: Path | None = None,
    dry_run: bool = False,
    check: bool = False,
    echo: Callable[[str], None] = print,
) -> Outcome:
    """The whole command: read inputs, resolve, plan, then diff or write."""
    from tools.paths import project_root
    from tools.warehouse import WarehouseUnreachable, read_landed_schema

    check_source_name(source)
    root = project_root(project_dir)
    raw_schema = check_schema_name(schema or f"fivetran_{source}")
    default_warn, default_error = default_freshness(source)
    settings = Settings(source, raw_schema, warn_after or default_warn, error_after or default_error)
    if _minutes(settings.error_after) < _minutes(settings.warn_after):
        raise ToolError("error_after must not be shorter than warn_after")

    config: ft.Schema | None = None
    if fivetran_schema is not None:
        listings = {name: ft.load_json(path, "column listing") for name, path in (table_columns or {}).items()}
        schemas = ft.parse_schema_config(ft.load_json(fivetran_schema), listings)
        config = ft.select_schema(schemas, schema)
    landed = None
    notes: list[str] = []
    if from_warehouse or use_warehouse:
        try:
            landed = read_landed_schema(settings.schema, target, root)
        except WarehouseUnreachable as exc:
            if from_warehouse:
                raise ToolError(f"cannot read the landed tables: {exc}") from None
            notes.append(f"landed tables not reachable ({exc})")
        if landed is not None and not landed.tables:
            if from_warehouse:
                raise ToolError(f"unknown source: schema {settings.schema!r} has no tables in the warehouse")
            notes.append(f"schema {settings.schema} has no landed tables yet")
            landed = None
    resolution = resolve(config, landed, keys=keys, only=tables)
    resolution.notes[:0] = notes
    for model in resolution.models:
        file_name = f"{model_name(settings, model)}.sql"
        if len(file_name.encode("utf-8")) > MAX_FILE_NAME_BYTES:
            raise ToolError(f"table {model.name[:40]!r}...: its model file would be named with "
                            f"{len(file_name)} characters, more than a file name holds ({MAX_FILE_NAME_BYTES})")
    folder = root / "models" / "staging" / source
    return run(settings, resolution, folder, root, dry_run=dry_run, check=check, echo=echo)


def _minutes(period: Period) -> int:
    return period.count * {"minute": 1, "hour": 60, "day": 24 * 60}[period.period]
