"""What the daily build's aggregates cost, rebuilt whole, and what each would cost as a view: the
figures behind issue 14's decision on them (README, Benchmarks).

    python benchmarks/bench_platform.py --scale 1 --runs 1 --keep /tmp/ff-scale1   # a built warehouse
    python benchmarks/bench_aggregates.py --warehouse /tmp/ff-scale1

Each aggregate's compiled SQL is stored into a temporary table, alone on the machine, with the
settings of the `local` target (2 threads, 6 GB): its cost in a build without the GPS nodes beside
it. A view of it would be computed again by each of its readers on every read (the models, data
tests and dashboard queries the manifest lists), so the script prints that count too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dashboards import compile_with_dbt  # noqa: E402  (a sibling script, not a package)

from tools import paths  # noqa: E402
from tools.duckdb_file import open_duckdb  # noqa: E402
from tools.errors import ToolError  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, default=None,
                        help="a built warehouse folder (default: the local one, FIELDFORCE_WAREHOUSE_DIR or .warehouse)")
    parser.add_argument("--runs", type=int, default=3, help="rebuilds of each aggregate (the median is printed)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.warehouse is None:
        args.warehouse = paths.raw_database_path().parent
    analytics = args.warehouse / "analytics.duckdb"
    if not analytics.exists():
        parser.error(f"no built warehouse at {args.warehouse}: build one first (see the usage above)")

    with tempfile.TemporaryDirectory() as workdir:
        compiled = compile_with_dbt(args.warehouse, Path(workdir), " ".join(AGGREGATES))
        manifest = json.loads((Path(workdir) / "target" / "manifest.json").read_text())
        sql = {name: next(compiled.glob(f"models/**/{name}.sql")).read_text() for name in AGGREGATES}
    try:
        con = open_duckdb(analytics, read_only=True)
    except ToolError as exc:
        sys.exit(str(exc))
    try:
        con.execute(f"attach '{args.warehouse / 'analytics_raw.duckdb'}' as analytics_raw (read_only)")
        con.execute("set threads = 2; set memory_limit = '6GB'; set TimeZone = 'UTC'")
        print(f"{analytics}: each aggregate rebuilt whole {args.runs} times, alone; seconds, median [min - max]")
        print(f"{'aggregate':<30}{'rows':>12}{'rebuild s':>11}{'range':>16}   read by")
        total = 0.0
        for name in AGGREGATES:
            seconds = []
            for _ in range(args.runs):
                started = time.perf_counter()
                con.execute(f"create or replace temp table rebuilt as {sql[name]}")
                seconds.append(time.perf_counter() - started)
            rows = con.execute("select count(*) from rebuilt").fetchone()[0]
            median = statistics.median(seconds)
            total += median
            kinds = ", ".join(f"{count} {kind}(s)" for kind, count in sorted(readers(manifest, name).items()))
            print(f"{name:<30}{rows:>12,}{median:>11.2f}{min(seconds):>8.2f} - {max(seconds):<6.2f}   {kinds}")
        print(f"{'all five':<30}{'':>12}{total:>11.2f}")
    finally:
        con.close()


if __name__ == "__main__":
    main()
