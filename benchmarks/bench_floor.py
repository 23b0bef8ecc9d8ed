"""What storing the data costs on this machine, under two speed goals, whatever the SQL that
produces it. Prints wall time per phase (median of --runs).

    python benchmarks/bench_floor.py --runs 3                 # the raw database of .warehouse/
    python benchmarks/bench_floor.py --raw /tmp/x/analytics_raw.duckdb

- copy_raw: every landed table copied into a fresh DuckDB file by two writers, with the settings
  of `tools generate-raw`: storing these rows, plus reading them back. Generation stores the
  same rows, computed instead of read, so once it comes near this figure, storing them is what
  is left to save (the goal is 30 s at scale 1).
- gps_day: the staging columns of the latest day of GPS pings written to a table, as the
  incremental build must after a day's sync, which lands a day of pings. With one day of pings
  in the full build (what bench_platform.py measures), this part of the daily build cannot
  shrink with the rest of it (the goal is 0.15 of the full build).
- dbt_one_node: `dbt seed` of one seed, in a scratch warehouse: what any dbt invocation costs
  before its nodes do work (start-up, reading the project, connecting). The first run parses the
  whole project; later runs parse partially, as a daily build does, and make the median of 3.
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb

from tools import paths
from tools.rawgen.database import connect
from tools.rawgen.generate import WRITERS

PHASES = ("copy_raw", "gps_day", "dbt_one_node")
ROOT = Path(__file__).resolve().parent.parent
GPS_STAGING_COLUMNS = ("event_id, technician_id, vehicle_id, ignition_on, latitude, longitude, speed_mph, "
                       "event_at, _fivetran_synced")


def landed_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(
        "select schema_name, table_name from duckdb_tables() "
        "where database_name = 'raw' and schema_name like 'fivetran_%' order by estimated_size desc"
    ).fetchall()


def copy_raw(con: duckdb.DuckDBPyConnection, synced_after: str | None = None) -> tuple[float, int]:
    """Biggest tables first, each to the next free writer, as generate-raw schedules them; with
    `synced_after` (a UTC timestamp), only the rows synced after it: what one sync landed."""
    since = f" where _fivetran_synced > '{synced_after}'::timestamptz" if synced_after else ""
    tables = landed_tables(con)
    for schema, _ in tables:
        con.execute(f"create schema if not exists {schema}")
    todo: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
    for table in tables:
        todo.put(table)
    failures: list[BaseException] = []

    def writer() -> None:
        cursor = con.cursor()
        try:
            while not failures:
                try:
                    schema, name = todo.get_nowait()
                except queue.Empty:
                    return
                cursor.execute(f'create table {schema}."{name}" as select * from raw.{schema}."{name}"{since}')
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
        finally:
            cursor.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    con.execute("checkpoint")
    elapsed = time.perf_counter() - started
    if failures:
        raise failures[0]
    rows = sum(con.execute(f'select count(*) from {schema}."{name}"').fetchone()[0]  # type: ignore[index]
               for schema, name in tables)
    return elapsed, rows


def gps_day(con: duckdb.DuckDBPyConnection) -> tuple[float, int]:
    started = time.perf_counter()
    con.execute(f"""
        create table gps_day as
        select {GPS_STAGING_COLUMNS} from raw.fivetran_telematics.gps_events
        where event_at > (select max(event_at) - interval 24 hours from raw.fivetran_telematics.gps_events)
    """)
    con.execute("checkpoint")
    elapsed = time.perf_counter() - started
    return elapsed, con.execute("select count(*) from gps_day").fetchone()[0]  # type: ignore[index]


def dbt_one_node(raw: Path, workdir: Path) -> tuple[float, int]:
    warehouse = workdir / "warehouse"
    warehouse.mkdir(parents=True, exist_ok=True)
    # the profile attaches the raw database by this name, read-only
    attached = warehouse / paths.raw_database_path().name
    attached.unlink(missing_ok=True)
    attached.symlink_to(raw.resolve())
    env = dict(os.environ, FIELDFORCE_WAREHOUSE_DIR=str(warehouse), DBT_TARGET="local")
    command = [str(Path(sys.executable).parent / "dbt"), "seed", "--select", "seed_regions",
               "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}")
    return elapsed, 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--raw", type=Path, default=None, help="raw database (default: the warehouse's)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "fieldforce-floor")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    raw = args.raw or paths.raw_database_path()
    if not raw.exists():
        parser.error(f"no raw database at {raw}: run `tools generate-raw --scale 1 --gps-days 1` first")

    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    figures: dict[str, list[tuple[float, int]]] = {phase: [] for phase in PHASES}
    try:
        for run in range(args.runs):
            print(f"run {run + 1}/{args.runs} ...", flush=True)
            for phase, measure in (("copy_raw", copy_raw), ("gps_day", gps_day)):
                con = connect(args.workdir / f"{phase}.duckdb")
                try:
                    con.execute("set max_vacuum_tasks = 0")  # as generate-raw
                    con.execute(f"attach '{raw}' as raw (read_only)")
                    figures[phase].append(measure(con))
                finally:
                    con.close()
                    for leftover in args.workdir.glob(f"{phase}.duckdb*"):  # and its write-ahead log
                        leftover.unlink()
            figures["dbt_one_node"].append(dbt_one_node(raw, args.workdir))
    finally:
        shutil.rmtree(args.workdir, ignore_errors=True)

    print(f"\n{raw}, {args.runs} run(s), median [min - max]")
    print(f"{'phase':<12} {'wall s':>8} {'range':>17} {'rows':>14} {'rows/s':>12}")
    for phase in PHASES:
        walls = [wall for wall, _ in figures[phase]]
        rows = figures[phase][0][1]
        median = statistics.median(walls)
        counted = f"{rows:>14,} {rows / median:>12,.0f}" if rows else ""
        print(f"{phase:<12} {median:>8.1f} {min(walls):>8.1f} - {max(walls):<7.1f} {counted}")


if __name__ == "__main__":
    main()
