"""What the daily build's aggregates cost, rebuilt whole, and what each would cost as a view: the
figures behind issue 14's decision on them (README, Benchmarks).

    python benchmarks/bench_platform.py --scale 1 --runs 1 --keep /tmp/ff-scale1   # a built warehouse
    python benchmarks/bench_aggregates.py --warehouse /tmp/ff-scale1

Each aggregate's compiled SQL is stored into a temporary table, alone on the machine, with the
settings of the `local` target (2 threads, 6 GB): its cost in a build without the GPS nodes beside
it. Next to it, what finding the changed keys exactly costs: the aggregate computed and compared
with the stored table both ways (`except`), as `fct_revenue` does. A row that leaves a group (a
job deleted or moved to another day, a customer moving region) does not name the group it left,
so an exact incremental run must either compare like this or keep every input row's old group.
A view of an aggregate would be computed again by each of its readers on every read (the models
and data tests the manifest lists, and the dashboards), so the script prints that count too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dashboards import built_warehouse, compile_with_dbt

from tools.duckdb_file import open_duckdb
from tools.errors import ToolError

AGGREGATES = ("int_revenue_by_service", "int_technician_daily_metrics", "fct_technician_performance",
              "rpt_operations_daily", "rpt_executive_summary")


def readers(manifest: dict, model: str) -> dict[str, int]:
    """How many models, data tests and analyses read `model`, by resource type."""
    counts: dict[str, int] = {}
    for child in manifest["child_map"].get(f"model.dbt_fieldforce.{model}", []):
        kind = child.split(".")[0]
        if kind != "unit_test":  # a unit test reads fixtures, not the relation
            counts[kind] = counts.get(kind, 0) + 1
    return counts


def timed(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    started = time.perf_counter()
    con.execute(sql).fetchall()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, default=None,
                        help="a built warehouse folder "
                             "(default: the local one, FIELDFORCE_WAREHOUSE_DIR or .warehouse)")
    parser.add_argument("--runs", type=int, default=3, help="rebuilds of each aggregate (the median is printed)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    args.warehouse, analytics = built_warehouse(parser, args.warehouse)

    with tempfile.TemporaryDirectory() as workdir:
        compiled = compile_with_dbt(args.warehouse, Path(workdir), " ".join(AGGREGATES))
        manifest = json.loads((Path(workdir) / "target" / "manifest.json").read_text())
        sql = {name: next(compiled.glob(f"models/**/{name}.sql")).read_text() for name in AGGREGATES}
        stored = {name: manifest["nodes"][f"model.dbt_fieldforce.{name}"]["relation_name"] for name in AGGREGATES}
    try:
        con = open_duckdb(analytics, read_only=True)
    except ToolError as exc:
        sys.exit(str(exc))
    try:
        con.execute(f"attach '{args.warehouse / 'analytics_raw.duckdb'}' as analytics_raw (read_only)")
        con.execute("set threads = 2; set memory_limit = '6GB'; set TimeZone = 'UTC'")
        print(f"{analytics}: each aggregate rebuilt whole {args.runs} times, alone; seconds, medians")
        print(f"{'aggregate':<30}{'rows':>12}{'rebuild s':>11}{'compare s':>11}   read by")
        totals = [0.0, 0.0]
        for name in AGGREGATES:
            columns = ", ".join(
                f'"{column[0]}"' for column in con.execute(f"select * from {stored[name]} limit 0").description
                if column[0] != "_dbt_loaded_at")
            compare = (f"select count(*) from ((select {columns} from ({sql[name]})"
                       f" except select {columns} from {stored[name]})"
                       f" union all (select {columns} from {stored[name]}"
                       f" except select {columns} from ({sql[name]})))")
            rebuild = [timed(con, f"create or replace temp table rebuilt as {sql[name]}") for _ in range(args.runs)]
            rows = con.execute("select count(*) from rebuilt").fetchall()[0][0]
            compared = [timed(con, compare) for _ in range(args.runs)]
            medians = statistics.median(rebuild), statistics.median(compared)
            totals = [total + median for total, median in zip(totals, medians, strict=True)]
            kinds = ", ".join(f"{count} {kind}(s)" for kind, count in sorted(readers(manifest, name).items()))
            print(f"{name:<30}{rows:>12,}{medians[0]:>11.2f}{medians[1]:>11.2f}   {kinds}")
        print(f"{'all five':<30}{'':>12}{totals[0]:>11.2f}{totals[1]:>11.2f}")
    finally:
        con.close()


if __name__ == "__main__":
    main()
