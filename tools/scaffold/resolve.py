"""Step 1 (pure): Fivetran's schema config and/or the landed tables -> the models to stage:
tables with their columns, types, key and sync mode."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from tools.errors import ToolError
from tools.scaffold import fivetran as ft
from tools.scaffold.naming import fivetran_name
from tools.scaffold.types import TypeInfo, type_info
from tools.scaffold.warehouse import LandedColumn, LandedSchema

SYSTEM_TYPES = {
    ft.SYNCED: "timestamp with time zone",
    ft.DELETED: "boolean",
    ft.FIVETRAN_ID: "varchar",
    ft.INDEX: "bigint",
    ft.ACTIVE: "boolean",
    ft.START: "timestamp with time zone",
    ft.END: "timestamp with time zone",
}


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
