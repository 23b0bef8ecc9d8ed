"""Benchmark the platform at a given scale: raw generation, a full build, a day's sync and the
incremental build that follows. Prints wall time and peak memory per phase (median of --runs).

    python benchmarks/bench_platform.py --scale 1 --runs 3
    python benchmarks/bench_platform.py --scale 1 --history-days 1,3 --runs 3   # issue 14's goals
    python benchmarks/bench_platform.py --scale 0.1 --phases generate

Each history (`--history-days`, the days of GPS pings raw holds) is one full cycle with the same
scale, seed and day's sync. With two histories it prints the goals of issue 14:
- O(delta): the incremental build on the longer history / on the shorter one (goal <= 1.10);
- near the floor: the incremental build / its floor (goal <= 2), the floor measured in the same
  run: storing the rows the sync landed, every table, with generate-raw's writers, plus one dbt
  invocation's start-up (benchmarks/bench_floor.py);
- no regression: the full build per day of history, and peak memory (goal under 8 GiB).
Each run uses its own warehouse folder under --workdir, so nothing touches .warehouse/;
`--keep DIR` keeps the last run's warehouse of the shortest history (for bench_dashboards.py).

`--prepared DIR` times the incremental build (and its floor) only: each history's warehouse as it
stands after the day's sync is made once (generate, full build, sync; timed and printed then) and
kept in DIR/<days>d/, and every run starts from a copy of it. Several runs of the daily build then
cost minutes, not the hour that regenerating 3 days of pings takes; a warehouse made with other
--scale or --seed is made again. It was built by the models of its making: delete DIR after a
change to a model's columns.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_floor import copy_raw, dbt_one_node

from tools.duckdb_file import open_duckdb
from tools.rawgen.database import connect

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PHASES = ("generate", "full_build", "sync", "incremental_build", "floor")
# A fixed landing time: the same data whatever hour the benchmark runs (the GPS volume of a day
# depends on the hour of the as-of), and a sync a day later.
AS_OF = "2026-11-20T23:00:00"
SYNC_AS_OF = "2026-11-21T23:00:00"
# The daily production job's flags (docs/ci.md): unit tests belong to CI, where the SQL changes.
DAILY_BUILD = ("--exclude-resource-type", "unit_test")


@dataclass
class Measure:
    wall_seconds: float
    peak_mib: float
    output: str
    slowest: list[tuple[str, float]] = field(default_factory=list)


def timed(command: list[str], env: dict[str, str]) -> Measure:
    """Run under /usr/bin/time -v: wall clock and peak resident memory of the whole command."""
    result = subprocess.run(["/usr/bin/time", "-v", *command], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", result.stderr)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    assert wall and peak
    seconds = 0.0
    for part in wall.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    return Measure(seconds, int(peak.group(1)) / 1024, result.stdout + result.stderr)


def one_run(scale: float, seed: int, phases: tuple[str, ...], workdir: Path, history_days: int,
            keep: Path | None = None, prepared: Path | None = None) -> dict[str, Measure]:
    warehouse = workdir / "warehouse"
    shutil.rmtree(workdir, ignore_errors=True)
    env = dict(os.environ, FIELDFORCE_WAREHOUSE_DIR=str(warehouse), DBT_TARGET="local")
    dbt_paths = ["--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    results: dict[str, Measure] = {}
    made_with = {"scale": scale, "seed": seed, "history_days": history_days, "as_of": AS_OF, "sync_as_of": SYNC_AS_OF}
    if prepared is not None and prepared_with(prepared) == made_with:
        shutil.copytree(prepared / "warehouse", warehouse)
        before_sync = json.loads((prepared / "prepared.json").read_text())["before_sync"]
    else:
        if prepared is not None:  # the cycle up to the sync, whatever --phases says: what is kept
            phases = (*phases, "sync")
        results["generate"] = timed([str(BIN / "tools"), "generate-raw", "--scale", str(scale), "--seed", str(seed),
                                     "--as-of", AS_OF, "--gps-days", str(history_days)], env)
        cycle = {"full_build", "sync", "incremental_build", "floor"}
        if cycle & set(phases):
            results["full_build"] = timed([str(BIN / "dbt"), "build", "--full-refresh", *dbt_paths], env)
            results["full_build"].slowest = slowest_nodes(workdir / "target" / "run_results.json")
        if cycle - {"full_build"} & set(phases):
            before_sync = latest_sync(warehouse)
            results["sync"] = timed([str(BIN / "tools"), "sync", "--seed", str(seed + 1), "--as-of", SYNC_AS_OF,
                                     "--span-hours", "24"], env)
            if prepared is not None:
                keep_prepared(warehouse, prepared, {**made_with, "before_sync": before_sync})
    if "floor" in phases:
        results["floor"] = floor(warehouse, before_sync, workdir / "floor")
    if "incremental_build" in phases:
        results["incremental_build"] = timed([str(BIN / "dbt"), "build", *DAILY_BUILD, *dbt_paths], env)
        results["incremental_build"].slowest = slowest_nodes(workdir / "target" / "run_results.json")
    if keep is not None:
        shutil.rmtree(keep, ignore_errors=True)
        shutil.copytree(warehouse, keep)
    shutil.rmtree(workdir, ignore_errors=True)
    return results


def prepared_with(prepared: Path) -> dict[str, object] | None:
    """What the kept post-sync warehouse was made with, or None when there is none."""
    try:
        made = json.loads((prepared / "prepared.json").read_text())
    except (OSError, ValueError):
        return None
    made.pop("before_sync", None)
    return made if (prepared / "warehouse").is_dir() else None


def keep_prepared(warehouse: Path, prepared: Path, made_with: dict[str, object]) -> None:
    """Keep the post-sync warehouse; its record is written last, so that a copy cut short is made again."""
    shutil.rmtree(prepared, ignore_errors=True)
    prepared.mkdir(parents=True)
    shutil.copytree(warehouse, prepared / "warehouse")
    (prepared / "prepared.json").write_text(json.dumps(made_with, indent=2))


def latest_sync(warehouse: Path) -> str:
    """The latest `_fivetran_synced` in raw: a sync lands every row after it."""
    con = open_duckdb(warehouse / "analytics_raw.duckdb", read_only=True)
    try:
        tables = con.execute("select schema_name, table_name from duckdb_tables() "
                             "where schema_name like 'fivetran_%'").fetchall()
        latest = max(con.execute(f'select max(_fivetran_synced) from {schema}."{name}"').fetchone()[0]  # type: ignore[index]
                     for schema, name in tables)
    finally:
        con.close()
    return str(latest)


def floor(warehouse: Path, synced_after: str, workdir: Path) -> Measure:
    """What the incremental build cannot go below: storing what the sync landed, plus dbt's start-up."""
    raw = warehouse / "analytics_raw.duckdb"
    workdir.mkdir(parents=True, exist_ok=True)
    con = connect(workdir / "floor.duckdb")
    try:
        con.execute("set max_vacuum_tasks = 0")  # as generate-raw
        con.execute(f"attach '{raw}' as raw (read_only)")
        store_seconds, rows = copy_raw(con, synced_after)
    finally:
        con.close()
    dbt_one_node(raw, workdir)  # parses the project whole; the next invocation parses partially, as the build did
    start_seconds, _ = dbt_one_node(raw, workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    return Measure(store_seconds + start_seconds, 0.0, f"{rows:,} rows synced: stored in {store_seconds:.1f} s, "
                   f"dbt start-up {start_seconds:.1f} s")


def slowest_nodes(run_results: Path, count: int = 10) -> list[tuple[str, float]]:
    """Where a dbt build spent its time: the slowest nodes, then the total per resource type."""
    results = json.loads(run_results.read_text())["results"]
    by_type: dict[str, float] = {}
    for node in results:
        kind = node["unique_id"].split(".")[0]
        by_type[kind] = by_type.get(kind, 0.0) + node["execution_time"]
    slowest = sorted(results, key=lambda node: node["execution_time"], reverse=True)[:count]
    return ([(node["unique_id"].split(".", 2)[-1], node["execution_time"]) for node in slowest]
            + [(f"all {kind}s ({sum(1 for n in results if n['unique_id'].startswith(kind + '.'))})", seconds)
               for kind, seconds in sorted(by_type.items(), key=lambda item: -item[1])])


def report_run(run: dict[str, Measure]) -> None:
    """One run's figures as soon as it ends: a long benchmark that fails later keeps what it measured."""
    print("  " + ", ".join(f"{phase} {measure.wall_seconds:.1f} s" for phase, measure in run.items()), flush=True)
    if "incremental_build" in run:
        slowest = run["incremental_build"].slowest[:8]
        print("  incremental build, slowest nodes: "
              + "; ".join(f"{name.split('.')[0]} {seconds:.1f}" for name, seconds in slowest), flush=True)


def rows_landed(output: str) -> int:
    match = re.search(r"done: ([\d,]+) rows", output)
    return int(match.group(1).replace(",", "")) if match else 0


def summarize(runs: list[dict[str, Measure]], label: str) -> dict[str, float]:
    print(f"\n{label}, {len(runs)} run(s), median [min - max]; peak memory is the median of peaks")
    print(f"{'phase':<20} {'wall s':>9} {'range':>17} {'peak MiB':>10}")
    medians: dict[str, float] = {}
    for phase in PHASES:
        measures = [r[phase] for r in runs if phase in r]
        if not measures:
            continue
        walls = [m.wall_seconds for m in measures]
        medians[phase] = statistics.median(walls)
        medians[phase + "_peak_mib"] = statistics.median(m.peak_mib for m in measures)
        peak = f"{medians[phase + '_peak_mib']:>10.0f}" if phase != "floor" else f"{'':>10}  {measures[0].output}"
        print(f"{phase:<20} {medians[phase]:>9.1f} {min(walls):>8.1f} - {max(walls):<7.1f} {peak}")
    rows = rows_landed(runs[0]["generate"].output) if "generate" in runs[0] else 0
    if rows:
        print(f"generated {rows:,} rows: {rows / medians['generate']:,.0f} rows/s")
    for phase in ("full_build", "incremental_build"):
        if runs[0].get(phase) and runs[0][phase].slowest:
            print(f"{phase.replace('_', ' ')}, node seconds (first run; 2 threads run nodes side by side):")
            for name, seconds in runs[0][phase].slowest:
                print(f"  {seconds:7.2f}  {name}")
    return medians


def verdict(value: float, goal: float) -> str:
    return "met" if value <= goal else "NOT MET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--history-days", default="1", help="comma-separated days of GPS history, e.g. 1,3")
    parser.add_argument("--phases", default=",".join(PHASES), help=f"comma-separated subset of {PHASES}")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "fieldforce-bench")
    parser.add_argument("--keep", type=Path, default=None, help="keep the shortest history's last warehouse here")
    parser.add_argument("--prepared", type=Path, default=None,
                        help="make each history's post-sync warehouse once, keep it here, and time only the "
                             "incremental build (and floor) from copies of it")
    args = parser.parse_args()
    phases = tuple(p.strip() for p in args.phases.split(",") if p.strip())
    unknown = set(phases) - set(PHASES)
    if unknown:
        parser.error(f"unknown phase(s) {sorted(unknown)}; choose from {PHASES}")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        histories = sorted({int(day) for day in args.history_days.split(",") if day.strip()})
    except ValueError:
        parser.error(f"--history-days must be whole numbers of days, such as 1,3; not {args.history_days!r}")
    if not histories or histories[0] < 1 or histories[-1] > 30:
        parser.error("--history-days must be between 1 and 30 (generate-raw's --gps-days)")

    by_history: dict[int, list[dict[str, Measure]]] = {days: [] for days in histories}
    for run in range(args.runs):
        for days in histories:  # interleaved, so that a noisy minute does not favour one history
            print(f"run {run + 1}/{args.runs}, {days} day(s) of GPS history, scale {args.scale} ...", flush=True)
            keep = args.keep if days == histories[0] and run == args.runs - 1 else None
            prepared = args.prepared / f"{days}d" if args.prepared is not None else None
            by_history[days].append(one_run(args.scale, args.seed, phases, args.workdir, days, keep, prepared))
            report_run(by_history[days][-1])

    medians = {days: summarize(runs, f"scale {args.scale}, {days} day(s) of GPS history")
               for days, runs in by_history.items()}
    print("\ngoals (issue 14)")
    for days, median in medians.items():
        if "incremental_build" in median and "floor" in median:
            ratio = median["incremental_build"] / median["floor"]
            print(f"  near the floor, {days} day(s): incremental {median['incremental_build']:.1f} s / floor "
                  f"{median['floor']:.1f} s = {ratio:.2f} (goal <= 2: {verdict(ratio, 2)})")
        if "full_build" in median:
            peak = max(median["full_build_peak_mib"], median.get("incremental_build_peak_mib", 0)) / 1024
            print(f"  full build, {days} day(s): {median['full_build']:.1f} s, {median['full_build'] / days:.1f} s "
                  f"per day of history; peak {peak:.1f} GiB (goal under 8: {verdict(peak, 8)})")
    if len(histories) > 1 and all("incremental_build" in medians[d] for d in histories):
        short, long = medians[histories[0]], medians[histories[-1]]
        ratio = long["incremental_build"] / short["incremental_build"]
        print(f"  O(delta): incremental on {histories[-1]} days / on {histories[0]} day(s): "
              f"{long['incremental_build']:.1f} / {short['incremental_build']:.1f} s = {ratio:.3f} "
              f"(goal <= 1.10: {verdict(ratio, 1.10)})")


if __name__ == "__main__":
    main()
