"""`tools generate-raw`: land all six sources into a fresh analytics_raw database."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from tools import paths
from tools.errors import ToolError
from tools.rawgen import facts, postgres, quickbooks, salesforce, servicetitan, sheets, sqlkit, state, telematics
from tools.rawgen.context import HISTORY_DAYS, Context, Volumes
from tools.rawgen.landing import LandedTable

Progress = Callable[[str], None] | None


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection tuned like the dbt profile: bounded memory, spilling to the warehouse folder."""
    con = duckdb.connect(str(path))
    spill = paths.warehouse_dir() / "tmp"
    spill.mkdir(parents=True, exist_ok=True)
    con.execute(f"set memory_limit = '{os.environ.get('FIELDFORCE_DUCKDB_MEMORY', '6GB')}'")
    con.execute(f"set temp_directory = '{spill}'")
    con.execute("set preserve_insertion_order = false")
    con.execute("set TimeZone = 'UTC'")
    sqlkit.install(con)
    return con


def landed_select(table: LandedTable) -> str:
    """Fivetran stamps syncs in UTC with a time zone (TIMESTAMPTZ, Snowflake TIMESTAMP_TZ)."""
    return f"""
        select * replace (cast(_fivetran_synced as timestamptz) as _fivetran_synced)
        from ({table.select_sql}) as landed
    """


def create_facts(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    v = ctx.volumes
    window = f"{ctx.as_of_sql}"
    facts.create_regions(con)
    facts.create_service_types(con, ctx.seed)
    con.execute(
        "create or replace temp table customer_facts as "
        + facts.customer_facts_sql(ctx.seed, 1, v.customers, window, (HISTORY_DAYS + 365) * 86400)
    )
    con.execute(
        "create or replace temp table job_facts as "
        + facts.job_facts_sql(ctx.seed, 1, v.jobs, window, HISTORY_DAYS * 86400, v.customers, v.technicians,
                              ctx.as_of_sql)
    )
    con.execute("create or replace temp table account_facts as " + salesforce.accounts_facts_sql(ctx))
    con.execute("create or replace temp table invoice_facts as " + quickbooks.invoice_facts_sql(ctx))


def all_tables(ctx: Context) -> list[LandedTable]:
    return [
        *postgres.tables(ctx),
        *salesforce.tables(ctx),
        *quickbooks.tables(ctx),
        *servicetitan.tables(ctx),
        *telematics.tables(ctx),
        *sheets.tables(ctx),
    ]


def generate_raw(
    scale: float,
    seed: int,
    as_of: datetime | None = None,
    gps_days: int = 2,
    progress: Progress = None,
    target: Path | None = None,
) -> dict[str, int]:
    """Write every raw table; returns the row count of each. The old database is replaced atomically."""
    say = progress or (lambda _msg: None)
    as_of = as_of or datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    ctx = Context(seed=seed, scale=scale, as_of=as_of, volumes=Volumes.for_scale(scale), gps_days=gps_days)
    target = target or paths.raw_database_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(target.name + ".building")
    for leftover in (building, Path(str(building) + ".wal")):
        leftover.unlink(missing_ok=True)

    say(f"generating raw data: scale {scale}, seed {seed}, as of {as_of:%Y-%m-%d %H:%M} UTC -> {target}")
    started = time.perf_counter()
    counts: dict[str, int] = {}
    try:
        con = connect(building)
        try:
            step = time.perf_counter()
            create_facts(con, ctx)
            say(f"  {'entity facts':<42} {time.perf_counter() - step:6.1f}s")
            for table in all_tables(ctx):
                step = time.perf_counter()
                con.execute(f"create schema if not exists {table.schema}")
                con.execute(f"create table {table.qualified} as {landed_select(table)}")
                (rows,) = con.execute(f"select count(*) from {table.qualified}").fetchone()  # type: ignore[misc]
                counts[f"{table.schema}.{table.name}"] = rows
                elapsed = time.perf_counter() - step
                rate = rows / elapsed if elapsed else 0.0
                say(f"  {table.schema + '.' + table.name:<42} {rows:>12,} rows {elapsed:6.1f}s {rate:>12,.0f} rows/s")
            state.write(con, state.LandingState(seed, scale, gps_days, as_of, 0))
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(building, target)
    except duckdb.IOException as exc:
        building.unlink(missing_ok=True)
        raise ToolError(f"cannot write {target}: {exc} (is a dbt run or another tool holding it open?)") from exc
    except BaseException:
        building.unlink(missing_ok=True)
        raise
    total = sum(counts.values())
    elapsed = time.perf_counter() - started
    say(f"done: {total:,} rows in {len(counts)} tables, {elapsed:.1f}s ({total / elapsed:,.0f} rows/s)")
    return counts
