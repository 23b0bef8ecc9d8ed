"""`tools generate-raw`: land all six sources into a fresh analytics_raw database."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from tools import paths
from tools.duckdb_file import in_use_error
from tools.errors import ToolError
from tools.fsio import ensure_writable_dir
from tools.rawgen import facts, postgres, quickbooks, salesforce, servicetitan, sheets, state, telematics
from tools.rawgen.context import HISTORY_DAYS, Context, Volumes
from tools.rawgen.database import configure_session, connect, memory_limit
from tools.rawgen.landing import LandedTable

Progress = Callable[[str], None] | None

# The entity facts live in an in-memory database attached to the connection, not in temp tables:
# temp tables are private to one connection, and the writers each have their own.
WORK = "generator_work"
# Queries whose rows come from range() run on a single thread, so two writers keep both cores
# of the build machine busy; a query that can use both shares them with the other writer.
WRITERS = 2


def landed_select(table: LandedTable, select_sql: str | None = None) -> str:
    """Fivetran stamps syncs in UTC with a time zone (TIMESTAMPTZ, Snowflake TIMESTAMP_TZ).

    The same instant as a cast to timestamptz in the UTC session, without the cast's time zone
    arithmetic (ICU), which costs more than all the rest of a narrow row.
    """
    return f"""
        select * replace (make_timestamptz(epoch_us(_fivetran_synced)) as _fivetran_synced)
        from ({select_sql or table.select_sql}) as landed
    """


@dataclass
class Task:
    """One table to write: the statements filling it, and the fact tables they read."""

    table: str  # qualified name
    label: str  # as progress reports it
    parts: tuple[str, ...]
    compression: dict[str, str] = field(default_factory=dict)  # column -> method; others: DuckDB's choice
    landed: bool = True
    reads: set[str] = field(default_factory=set)
    pending_parts: int = 0
    started: float = 0.0


FACT_TABLES = ("customer_facts", "job_facts", "account_facts", "invoice_facts")


def fact_tasks(ctx: Context) -> list[Task]:
    v = ctx.volumes
    window = ctx.as_of_sql
    half = v.jobs // 2
    jobs = [(1, half), (half + 1, v.jobs - half)] if half else [(1, v.jobs)]
    return [
        Task(f"{WORK}.main.customer_facts", "customer_facts", (
            facts.customer_facts_sql(ctx.seed, 1, v.customers, window, (HISTORY_DAYS + 365) * 86400),), landed=False),
        # the biggest fact table, split in two so that both halves are written at once
        Task(f"{WORK}.main.job_facts", "job_facts", tuple(
            facts.job_facts_sql(ctx.seed, first, count, window, HISTORY_DAYS * 86400, v.customers, v.technicians,
                                ctx.as_of_sql)
            for first, count in jobs), landed=False),
        Task(f"{WORK}.main.account_facts", "account_facts", (salesforce.accounts_facts_sql(ctx),), landed=False),
        Task(f"{WORK}.main.invoice_facts", "invoice_facts", (quickbooks.invoice_facts_sql(ctx),), landed=False),
    ]


def all_tables(ctx: Context) -> list[LandedTable]:
    return [
        *postgres.tables(ctx),
        *salesforce.tables(ctx),
        *quickbooks.tables(ctx),
        *servicetitan.tables(ctx),
        *telematics.tables(ctx),
        *sheets.tables(ctx),
    ]


def landed_tasks(ctx: Context) -> list[Task]:
    tasks = [
        Task(table.qualified, f"{table.schema}.{table.name}",
             tuple(landed_select(table, sql) for sql in table.part_sqls),
             {**{column: "uncompressed" for column in table.uncompressed},
              **{column: "rle" for column in table.run_length}})
        for table in all_tables(ctx)
    ]
    # the parts of a split table (single-threaded queries) first, to fill a writer whenever no
    # fact table is ready to be written; the tables whose queries use both cores come last,
    # where nothing else is left to run beside them
    return sorted(tasks, key=lambda task: len(task.parts) == 1)


def reads_of(task: Task) -> set[str]:
    """The fact tables a task's SQL names; it can run once they are complete."""
    text = "\n".join(task.parts)
    return {name for name in FACT_TABLES if re.search(rf"\b{name}\b", text) and not task.table.endswith(f".{name}")}


def create_table(con: duckdb.DuckDBPyConnection, task: Task) -> None:
    """An empty table with the columns of the task's rows, stored as the task says."""
    columns = con.execute(f"describe {task.parts[0]}").fetchall()
    unknown = set(task.compression) - {name for name, *_ in columns}
    if unknown:
        raise ValueError(f"{task.label} has no column {sorted(unknown)}")
    definitions = ", ".join(
        f'"{name}" {data_type}' + (f" using compression {task.compression[name]}" if name in task.compression else "")
        for name, data_type, *_ in columns
    )
    con.execute(f"create table {task.table} ({definitions})")


class Writers:
    """Runs the insert statements on WRITERS threads, each with its own cursor."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.local = threading.local()
        self.cursors: list[duckdb.DuckDBPyConnection] = []
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(WRITERS, thread_name_prefix="rawgen")

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = getattr(self.local, "cursor", None)
        if cursor is None:
            cursor = self.con.cursor()
            configure_session(cursor)
            cursor.execute(f"set search_path = 'main,{WORK}.main'")
            self.local.cursor = cursor
            with self.lock:
                self.cursors.append(cursor)
        return cursor

    def submit(self, table: str, select_sql: str) -> Future[None]:
        return self.pool.submit(self._insert, table, select_sql)

    def _insert(self, table: str, select_sql: str) -> None:
        self._cursor().execute(f"insert into {table} {select_sql}")

    def stop(self, interrupt: bool = False) -> None:
        """Wait for the writers (after a failure, interrupt what still runs), then close the cursors."""
        if interrupt:
            with self.lock:
                for cursor in self.cursors:
                    cursor.interrupt()
        self.pool.shutdown(wait=True, cancel_futures=True)
        for cursor in self.cursors:
            cursor.close()


def write_all(con: duckdb.DuckDBPyConnection, ctx: Context, say: Callable[[str], None]) -> dict[str, int]:
    """Write the facts, then every landed table, as soon as the facts a table reads are complete."""
    con.execute(f"attach ':memory:' as {WORK}")
    con.execute(f"set search_path = 'main,{WORK}.main'")
    # tiny lookups every fact table joins
    con.execute(f"create table {WORK}.main.regions as {facts.regions_sql()}")
    con.execute(f"create table {WORK}.main.service_type_facts as {facts.service_types_sql(ctx.seed)}")

    waiting = [*fact_tasks(ctx), *landed_tasks(ctx)]  # in priority order
    priority = {task.label: rank for rank, task in enumerate(waiting)}
    for task in waiting:
        task.reads = reads_of(task)
    done: set[str] = set()
    queue: list[tuple[Task, str]] = []  # parts ready to run
    running: dict[Future[None], Task] = {}
    counts: dict[str, int] = {}
    writers = Writers(con)
    try:
        while waiting or queue or running:
            for task in [t for t in waiting if t.reads <= done]:
                waiting.remove(task)
                if task.landed:
                    con.execute(f"create schema if not exists {task.table.split('.')[0]}")
                create_table(con, task)
                task.pending_parts = len(task.parts)
                queue.extend((task, part) for part in task.parts)
            if not queue and not running:
                unwritten = sorted(set().union(*(t.reads for t in waiting)) - done)
                raise RuntimeError(f"nothing writes the facts {unwritten}")
            queue.sort(key=lambda item: priority[item[0].label])  # stable: parts keep their order
            while queue and len(running) < WRITERS:
                task, part = queue.pop(0)
                task.started = task.started or time.perf_counter()
                running[writers.submit(task.table, part)] = task
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                task = running.pop(future)
                future.result()
                task.pending_parts -= 1
                if task.pending_parts:
                    continue
                (rows,) = con.execute(f"select count(*) from {task.table}").fetchone()  # type: ignore[misc]
                elapsed = time.perf_counter() - task.started
                if task.landed:
                    counts[task.label] = rows
                    rate = rows / elapsed if elapsed else 0.0
                    say(f"  {task.label:<42} {rows:>12,} rows {elapsed:6.1f}s {rate:>12,.0f} rows/s")
                else:
                    done.add(task.label)
                    say(f"  {'facts: ' + task.label:<42} {rows:>12,} rows {elapsed:6.1f}s")
    except BaseException:
        writers.stop(interrupt=True)
        raise
    writers.stop()
    con.execute("reset search_path")
    con.execute(f"detach {WORK}")
    return counts


def generate_raw(
    scale: float,
    seed: int,
    as_of: datetime | None = None,
    gps_days: int = 2,
    progress: Progress = None,
    target: Path | None = None,
    project_dir: Path | None = None,
) -> dict[str, int]:
    """Write every raw table; returns the row count of each. The old database is replaced atomically."""
    say = progress or (lambda _msg: None)
    memory_limit(os.environ.get("FIELDFORCE_DUCKDB_MEMORY"))  # a bad setting fails before any work
    as_of = as_of or datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    ctx = Context(seed=seed, scale=scale, as_of=as_of, volumes=Volumes.for_scale(scale), gps_days=gps_days)
    target = target or paths.raw_database_path(project_dir)
    check_disk_space(target.parent, scale)
    ensure_writable_dir(target.parent)
    building = target.with_name(target.name + ".building")
    for leftover in (building, Path(str(building) + ".wal")):
        leftover.unlink(missing_ok=True)

    say(f"generating raw data: scale {scale}, seed {seed}, as of {as_of:%Y-%m-%d %H:%M} UTC -> {target}")
    started = time.perf_counter()
    try:
        con = connect(building)
        # Each insert leaves a partly filled row group behind; merging them (vacuum) made the final
        # checkpoint rewrite 1-2M rows on one thread. A fresh landing can keep them as they are.
        con.execute("set max_vacuum_tasks = 0")
        try:
            counts = write_all(con, ctx, say)
            landing = state.LandingState(seed, scale, gps_days, as_of, 0)
            state.write(con, landing)
            step = time.perf_counter()
            con.execute("checkpoint")
            say(f"  {'checkpoint':<42} {'':>17} {time.perf_counter() - step:6.1f}s")
        finally:
            con.close()
        replaced = target.exists()
        swap_in(building, target)
    except duckdb.IOException as exc:
        raise ToolError(f"cannot write {target}: {exc} (is a dbt run or another tool holding it open?)") from exc
    finally:
        building.unlink(missing_ok=True)
    total = sum(counts.values())
    elapsed = time.perf_counter() - started
    say(f"done: {total:,} rows in {len(counts)} tables, {elapsed:.1f}s ({total / elapsed:,.0f} rows/s); "
        f"generation {landing.generation_id}")
    if replaced and target.with_name("analytics.duckdb").exists():
        say("the warehouse next to it was built from the raw data this replaced: the next dbt build "
            "rebuilds its incremental models whole")
    return counts


# Measured: scale 0.01 lands a 73 MB raw file; it grows with the scale. While a landing is
# built, the new file sits beside the old one and DuckDB may spill beside them.
RAW_BYTES_PER_SCALE = 7.5e9
DISK_HEADROOM = 1.5


def check_disk_space(folder: Path, scale: float) -> None:
    """Refuse a scale whose landing cannot fit in `folder`'s file system, before any work."""
    import shutil

    needed = scale * RAW_BYTES_PER_SCALE * DISK_HEADROOM
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    if needed > free:
        raise ToolError(f"--scale {scale:g} needs about {needed / 1e9:,.1f} GB of disk in {folder}, and "
                        f"{free / 1e9:,.1f} GB is free: choose a smaller scale or another FIELDFORCE_WAREHOUSE_DIR")


def swap_in(building: Path, target: Path) -> None:
    """Replace `target` by the finished `building` file, atomically, and prove the result opens.

    While a dbt run (or any other process) has the old raw database open, it is not replaced:
    a run would otherwise read two data sets. The old file is held open, with DuckDB's exclusive
    lock, until the new one is in place, so that no run can start in between. A write-ahead log
    left next to the target belongs to the old file (or to none): DuckDB would replay it into the
    new database, which would then not open, so it goes.
    """
    wal = target.with_name(target.name + ".wal")
    holder = None
    if target.exists():
        try:
            holder = duckdb.connect(str(target))
        except duckdb.IOException as exc:
            in_use = in_use_error(target, exc, "left it as it is (a dbt run?); run `tools generate-raw` again "
                                               "once that has finished")
            if in_use is not None:
                raise in_use from None
            # not a database DuckDB can open (truncated, say): nothing worth keeping
        except duckdb.Error:
            pass
    try:
        os.replace(building, target)
    finally:
        if holder is not None:
            holder.close()
    wal.unlink(missing_ok=True)
    try:
        check = duckdb.connect(str(target), read_only=True)
        try:
            if state.read(check) is None:
                raise ToolError(f"{target} was written but holds no {state.SCHEMA}.state: generate it again")
        finally:
            check.close()
    except duckdb.Error as exc:
        raise ToolError(f"{target} was written but does not open ({exc}): generate it again") from exc
