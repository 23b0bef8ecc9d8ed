"""`tools scaffold-source`: a connector's tables -> the staging folder for it (docs/scaffold.md).

One module per step, the pure ones apart from the I/O:

- `fivetran`, `warehouse`: the inputs, read: Fivetran's schema config (JSON) and the landed tables;
- `resolve` (pure): those inputs -> `Model`s (tables with their columns, types, key, sync mode);
- `render` (pure): models -> the desired staging SQL and YAML, each rendered once;
- `folder`: what the staging folder holds, read once, and the plan against it (pure): added,
  updated, unchanged or left alone (hand-edited), and what the connector no longer has;
- `apply`: the writes; `report`: what the command prints of the outcome;
- `settings`, `naming`, `types`, `yamlio`: the names, types and YAML the steps share.

Hand-edited SQL: the folder keeps `.scaffold.json`, the SHA-256 of every SQL file as the
scaffolder last wrote it. A SQL file whose bytes still match is the scaffolder's and is
regenerated when the connector changes; any other difference means a person changed it, and it
is never overwritten (reported as "left alone").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tools.errors import ToolError
from tools.fsio import check_writable_dir
from tools.scaffold import fivetran as ft
from tools.scaffold.apply import write
from tools.scaffold.folder import Outcome, plan_folder, read_folder
from tools.scaffold.render import model_file_name
from tools.scaffold.render import render as render_folder  # not `render`: the module's name
from tools.scaffold.resolve import Resolution
from tools.scaffold.resolve import resolve as resolve_models  # not `resolve`: the module's name
from tools.scaffold.settings import (
    MAX_FILE_NAME_BYTES,
    Period,
    Settings,
    check_schema_name,
    check_source_name,
    default_freshness,
    minutes,
    parse_period,
)
from tools.scaffold.warehouse import LandedSchema, WarehouseUnreachable, read_landed_schema


@dataclass(frozen=True)
class ScaffoldOptions:
    """One run of `tools scaffold-source`, as its options give it."""

    source: str
    fivetran_schema: Path | None = None  # JSON of GET /v1/connections/{id}/schemas
    table_columns: dict[str, Path] = field(default_factory=dict)  # table -> JSON of its columns
    from_warehouse: bool = False  # the landed tables are the input, not a schema config
    use_warehouse: bool = True  # with a schema config: also read the landed types
    target: str | None = None  # the dbt target whose warehouse holds the landed tables
    schema: str | None = None  # the raw schema (default fivetran_<source>)
    tables: tuple[str, ...] = ()  # only these tables
    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)  # table -> its key columns
    warn_after: Period | None = None
    error_after: Period | None = None
    project_dir: Path | None = None
    dry_run: bool = False  # diff, write nothing
    check: bool = False  # write nothing; the outcome says whether the folder is out of date


def scaffold_source(options: ScaffoldOptions) -> Outcome:
    """The whole command but its printing: read the inputs, resolve, render, read the folder,
    plan, and write unless it is a dry run or a check."""
    from tools.paths import project_root

    check_source_name(options.source)
    root = project_root(options.project_dir)
    settings = _settings(options)
    config = _schema_config(options)
    landed, notes = _landed(options, settings, root)
    resolution = resolve_models(config, landed, keys=options.keys, only=options.tables)
    _check_file_names(settings, resolution)
    folder = root / "models" / "staging" / options.source
    writes = not (options.dry_run or options.check)
    if writes:
        check_writable_dir(folder)  # before reading or planning anything: nothing is touched on failure
    rendered = render_folder(settings, resolution.models)
    outcome = plan_folder(rendered, read_folder(folder, rendered), complete=not resolution.partial)
    outcome.notes = notes + resolution.notes
    outcome.skipped = list(resolution.skipped)
    if writes:
        write(outcome)
    return outcome


def _settings(options: ScaffoldOptions) -> Settings:
    default_warn, default_error = default_freshness(options.source)
    settings = Settings(options.source, check_schema_name(options.schema or f"fivetran_{options.source}"),
                        options.warn_after or default_warn, options.error_after or default_error)
    if minutes(settings.error_after) < minutes(settings.warn_after):
        raise ToolError("error_after must not be shorter than warn_after")
    return settings


def _schema_config(options: ScaffoldOptions) -> ft.Schema | None:
    if options.fivetran_schema is None:
        return None
    listings = {name: ft.load_json(path, "column listing") for name, path in options.table_columns.items()}
    schemas = ft.parse_schema_config(ft.load_json(options.fivetran_schema), listings)
    return ft.select_schema(schemas, options.schema)


def _landed(options: ScaffoldOptions, settings: Settings, root: Path) -> tuple[LandedSchema | None, list[str]]:
    """The landed tables, when asked for and reachable; with a schema config, their absence is a note."""
    if not (options.from_warehouse or options.use_warehouse):
        return None, []
    try:
        landed = read_landed_schema(settings.schema, options.target, root)
    except WarehouseUnreachable as exc:
        if options.from_warehouse:
            raise ToolError(f"cannot read the landed tables: {exc}") from None
        return None, [f"landed tables not reachable ({exc})"]
    if not landed.tables:
        if options.from_warehouse:
            raise ToolError(f"unknown source: schema {settings.schema!r} has no tables in the warehouse")
        return None, [f"schema {settings.schema} has no landed tables yet"]
    return landed, []


def _check_file_names(settings: Settings, resolution: Resolution) -> None:
    for model in resolution.models:
        file_name = model_file_name(settings, model)
        if len(file_name.encode("utf-8")) > MAX_FILE_NAME_BYTES:
            raise ToolError(f"table {model.name[:40]!r}...: its model file would be named with "
                            f"{len(file_name)} characters, more than a file name holds ({MAX_FILE_NAME_BYTES})")


__all__ = [
    "Outcome", "Period", "ScaffoldOptions", "check_schema_name", "check_source_name", "parse_period",
    "scaffold_source",
]
