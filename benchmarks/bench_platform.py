"""Benchmark the platform at a given scale: raw generation, a full build, a day's sync and the
incremental build that follows. Prints wall time and peak memory per phase (median of --runs).

    python benchmarks/bench_platform.py --scale 1 --runs 3
    python benchmarks/bench_platform.py --scale 0.1 --phases generate

At scale 1 on a 2-core, 24 GiB machine: generation, the full build (peak memory under 8 GiB),
and the daily incremental build, which must cost less than a full build while staying equal to
one (docs/incremental.md); it prints both and their ratio, and where the incremental build spends
its time. Each run uses its own warehouse folder under --workdir, so nothing touches .warehouse/.
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

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PHASES = ("generate", "full_build", "sync", "incremental_build")


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


def one_run(scale: float, seed: int, phases: tuple[str, ...], workdir: Path) -> dict[str, Measure]:
    warehouse = workdir / "warehouse"
    shutil.rmtree(workdir, ignore_errors=True)
    env = dict(os.environ, FIELDFORCE_WAREHOUSE_DIR=str(warehouse), DBT_TARGET="local")
    dbt_paths = ["--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    results: dict[str, Measure] = {}
    results["generate"] = timed([str(BIN / "tools"), "generate-raw", "--scale", str(scale), "--seed", str(seed),
                                 "--gps-days", "1"], env)
    if "full_build" in phases or "incremental_build" in phases:
        results["full_build"] = timed([str(BIN / "dbt"), "build", "--full-refresh", *dbt_paths], env)
    if "sync" in phases or "incremental_build" in phases:
        results["sync"] = timed([str(BIN / "tools"), "sync", "--seed", str(seed + 1), "--span-hours", "24"], env)
    if "incremental_build" in phases:
        results["incremental_build"] = timed([str(BIN / "dbt"), "build", *dbt_paths], env)
        results["incremental_build"].slowest = slowest_nodes(workdir / "target" / "run_results.json")
    shutil.rmtree(workdir, ignore_errors=True)
    return results


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


def rows_landed(output: str) -> int:
    match = re.search(r"done: ([\d,]+) rows", output)
    return int(match.group(1).replace(",", "")) if match else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--phases", default=",".join(PHASES), help=f"comma-separated subset of {PHASES}")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "fieldforce-bench")
    args = parser.parse_args()
    phases = tuple(p.strip() for p in args.phases.split(",") if p.strip())
    unknown = set(phases) - set(PHASES)
    if unknown:
        parser.error(f"unknown phase(s) {sorted(unknown)}; choose from {PHASES}")

    runs = []
    for run in range(args.runs):
        print(f"run {run + 1}/{args.runs} at scale {args.scale} ...", flush=True)
        runs.append(one_run(args.scale, args.seed, phases, args.workdir))

    print(f"\nscale {args.scale}, {args.runs} run(s), median [min - max]; peak memory is the median of peaks")
    print(f"{'phase':<20} {'wall s':>9} {'range':>17} {'peak MiB':>10}")
    medians: dict[str, float] = {}
    for phase in PHASES:
        measures = [r[phase] for r in runs if phase in r]
        if not measures:
            continue
        walls = [m.wall_seconds for m in measures]
        medians[phase] = statistics.median(walls)
        peak = statistics.median(m.peak_mib for m in measures)
        print(f"{phase:<20} {medians[phase]:>9.1f} {min(walls):>8.1f} - {max(walls):<7.1f} {peak:>10.0f}")
    rows = rows_landed(runs[0]["generate"].output)
    if rows:
        print(f"\ngenerated {rows:,} rows: {rows / medians['generate']:,.0f} rows/s")
        print("per table (first run):")
        for line in runs[0]["generate"].output.splitlines():
            if "rows/s" in line and "done:" not in line:
                print("  " + line.strip())
    if "incremental_build" in medians and medians.get("full_build"):
        print(f"\nincremental build / full build: {medians['incremental_build'] / medians['full_build']:.3f}")
        print("incremental build, node seconds (first run; 2 threads run nodes side by side):")
        for name, seconds in runs[0]["incremental_build"].slowest:
            print(f"  {seconds:7.2f}  {name}")


if __name__ == "__main__":
    main()
