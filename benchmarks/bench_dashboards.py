"""How fast the three Sigma dashboards answer on the local marts: the queries they send
(analyses/dashboards/<dashboard>__<tile>.sql, through the row-level-security views), run as a
regional user and as an admin, first one user at a time, then by concurrent sessions.

    python benchmarks/bench_platform.py --scale 1 --runs 1 --keep /tmp/ff-scale1   # a built warehouse
    python benchmarks/bench_dashboards.py --warehouse /tmp/ff-scale1

Goals (SDD: P95 dashboard load under 10 s): single user, P95 under 1 s per query; 20 concurrent
sessions (the SDD's peak of field supervisors), P95 under 10 s per dashboard load. A session
loads a dashboard by running its tiles one after another (Sigma runs them side by side, so this
is the slower case) as its user; sessions alternate between the users.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import duckdb

from tools import paths
from tools.dashboards.queries import as_user, compile_queries, compiled_queries
from tools.duckdb_file import open_duckdb
from tools.errors import ToolError

ROOT = Path(__file__).resolve().parent.parent


def built_warehouse(parser: argparse.ArgumentParser, warehouse: Path | None) -> tuple[Path, Path]:
    """The --warehouse folder (default: the local one) and its analytics database, which must exist."""
    folder = warehouse if warehouse is not None else paths.raw_database_path().parent
    analytics = folder / "analytics.duckdb"
    if not analytics.exists():
        parser.error(f"no built warehouse at {folder}: build one first (see the usage above)")
    return folder, analytics


def compiled_against(warehouse: Path, workdir: Path) -> dict[str, dict[str, str]]:
    """{dashboard: {tile: SQL}}, compiled by dbt against the warehouse's target."""
    env = dict(os.environ, FIELDFORCE_WAREHOUSE_DIR=str(warehouse), DBT_TARGET="local")
    try:
        return compiled_queries(compile_queries(ROOT, workdir / "target", env))
    except ToolError as exc:
        sys.exit(str(exc))


def timed(cursor: duckdb.DuckDBPyConnection, sql: str) -> tuple[float, int]:
    started = time.perf_counter()
    rows = cursor.execute(sql).fetchall()
    return time.perf_counter() - started, len(rows)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def figures(values: list[float]) -> str:
    return (f"P50 {statistics.median(values):7.3f}  P95 {percentile(values, 0.95):7.3f}  "
            f"max {max(values):7.3f}  (n={len(values)})")


def single_user(con: duckdb.DuckDBPyConnection, queries: dict[str, dict[str, str]], users: list[str],
                runs: int) -> bool:
    print(f"\nsingle user: each query {runs} times per user, seconds (goal: P95 under 1 s per query)")
    met = True
    for dashboard, tiles in queries.items():
        for tile, sql in tiles.items():
            times: list[float] = []
            rows_seen: dict[str, int] = {}
            for user in users:
                cursor = as_user(con, user)
                try:
                    timed(cursor, sql)  # the first read of a table pays for loading it from disk
                    for _ in range(runs):
                        seconds, rows = timed(cursor, sql)
                        times.append(seconds)
                        rows_seen[user] = rows
                finally:
                    cursor.close()
            ok = percentile(times, 0.95) < 1.0
            met &= ok
            seen = ", ".join(f"{user} {rows} rows" for user, rows in rows_seen.items())
            print(f"  {dashboard + '/' + tile:<40} {figures(times)}  {'met' if ok else 'NOT MET'}; {seen}")
    return met


def concurrent(con: duckdb.DuckDBPyConnection, queries: dict[str, dict[str, str]], users: list[str],
               sessions: int, loads: int) -> bool:
    print(f"\n{sessions} concurrent sessions, each loading every dashboard {loads} times, seconds per "
          "dashboard load (goal: P95 under 10 s)")
    loads_by_dashboard: dict[str, list[float]] = defaultdict(list)
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(sessions)

    def one_session(number: int) -> None:
        cursor = as_user(con, users[number % len(users)])
        try:
            start.wait()
            order = list(queries)
            for _ in range(loads):
                for dashboard in order[number % len(order):] + order[:number % len(order)]:
                    started = time.perf_counter()
                    for sql in queries[dashboard].values():
                        cursor.execute(sql).fetchall()
                    with lock:
                        loads_by_dashboard[dashboard].append(time.perf_counter() - started)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
        finally:
            cursor.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=one_session, args=(n,)) for n in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        raise failures[0]
    met = True
    for dashboard, times in loads_by_dashboard.items():
        ok = percentile(times, 0.95) < 10.0
        met &= ok
        print(f"  {dashboard:<40} {figures(times)}  {'met' if ok else 'NOT MET'}")
    total = sum(len(t) for t in loads_by_dashboard.values())
    print(f"  {total} dashboard loads in {wall:.1f} s")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, default=None,
                        help="a built warehouse folder "
                             "(default: the local one, FIELDFORCE_WAREHOUSE_DIR or .warehouse)")
    parser.add_argument("--users", default="MARIA_GARCIA,PRIYA_PATEL",
                        help="users of seed_user_region_access to query as (a regional user, an admin)")
    parser.add_argument("--runs", type=int, default=5, help="single-user repetitions of each query per user")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--loads", type=int, default=3, help="loads of each dashboard per concurrent session")
    args = parser.parse_args()
    if args.runs < 1 or args.sessions < 1 or args.loads < 1:
        parser.error("--runs, --sessions and --loads must be at least 1")
    args.warehouse, analytics = built_warehouse(parser, args.warehouse)
    users = [user.strip() for user in args.users.split(",") if user.strip()]

    with tempfile.TemporaryDirectory() as workdir:
        dashboards = compiled_against(args.warehouse, Path(workdir))
    try:
        con = open_duckdb(analytics, read_only=True)
    except ToolError as exc:
        sys.exit(str(exc))
    try:
        con.execute("set TimeZone = 'UTC'")
        known = {row[0] for row in con.execute("select user_name from main_security.user_region_access").fetchall()}
        unknown = [user for user in users if user not in known]
        if unknown:
            parser.error(f"--users: {', '.join(unknown)} not in seed_user_region_access")
        print(f"{analytics}: {sum(len(t) for t in dashboards.values())} queries of {len(dashboards)} dashboards, "
              f"as {', '.join(users)}")
        single = single_user(con, dashboards, users, args.runs)
        many = concurrent(con, dashboards, users, args.sessions, args.loads)
    finally:
        con.close()
    print(f"\ngoals: single user {'met' if single else 'NOT MET'}; "
          f"{args.sessions} sessions {'met' if many else 'NOT MET'}")


if __name__ == "__main__":
    main()
