"""Step 2 (pure): models -> the desired text of every staging SQL file and the desired content of
the two YAML files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tools.pii import pii_class_of
from tools.scaffold import fivetran as ft
from tools.scaffold.naming import humanize, needs_quoting, singular, sql_column
from tools.scaffold.resolve import Model
from tools.scaffold.settings import Settings
from tools.scaffold.yamlio import FlowList

SYSTEM_DESCRIPTIONS = {
    ft.SYNCED: "When Fivetran last wrote this row (UTC).",
    ft.DELETED: "True when the row was deleted in the source (Fivetran soft delete).",
    ft.FIVETRAN_ID: "Fivetran's hash of the row, the key of tables without a primary key.",
    ft.INDEX: "Orders the updates of a table without a primary key.",
    ft.ACTIVE: "True for the current version of the row (history mode).",
    ft.START: "When this version of the row became current (history mode).",
    ft.END: "When this version stopped being current; the maximum timestamp while it is current (history mode).",
}


def model_name(settings: Settings, model: Model) -> str:
    return f"stg_{settings.source}__{model.name}"


def model_file_name(settings: Settings, model: Model) -> str:
    return f"{model_name(settings, model)}.sql"


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


@dataclass(frozen=True)
class Rendered:
    """Everything the connector's folder should hold, each piece rendered once."""

    settings: Settings
    models: tuple[Model, ...]
    sql: dict[str, str]  # model file name -> the SQL file's text
    entries: dict[str, dict[str, Any]]  # model file name -> its `models:` entry
    sources: dict[str, Any]  # the sources file's document

    def file_name(self, model: Model) -> str:
        return model_file_name(self.settings, model)

    def models_doc(self, models: Iterable[Model]) -> dict[str, Any]:
        """The models file's document for some of the models, from the entries rendered already."""
        return {"version": 2, "models": [self.entries[self.file_name(model)] for model in models]}


def render(settings: Settings, models: Iterable[Model]) -> Rendered:
    ordered = tuple(models)
    names = [model_file_name(settings, model) for model in ordered]
    return Rendered(
        settings=settings,
        models=ordered,
        sql={name: staging_sql(settings, model) for name, model in zip(names, ordered, strict=True)},
        entries={name: model_entry(settings, model) for name, model in zip(names, ordered, strict=True)},
        sources=sources_doc(settings, list(ordered)),
    )
