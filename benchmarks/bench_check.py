"""How long `tools check` takes: median wall time over this repository and a synthetic 500-model project.

    python benchmarks/bench_check.py [--runs 7] [--models 500]

Two measurements each: in-process (load + all rules, what the check itself costs) and the
`tools check` command end to end in a fresh Python process (what pre-commit and CI pay).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.synthetic_project import write_synthetic_project  # noqa: E402
from tools.check.runner import run_check  # noqa: E402


def _median_in_process(root: Path, runs: int) -> tuple[float, int]:
    times, findings = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        result = run_check(root)
        times.append(time.perf_counter() - started)
        findings = len(result.findings)
    return statistics.median(times), findings


def _median_cli(root: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tools.cli", "check", "--project-dir", str(root)],
                       cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--models", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        synthetic = Path(tmp) / "synthetic"
        count = write_synthetic_project(synthetic, models=args.models)
        for label, root in (("repository", REPO), (f"synthetic ({count} models)", synthetic)):
            seconds, findings = _median_in_process(root, args.runs)
            cli = _median_cli(root, args.runs)
            print(f"{label:<26} in-process median {seconds * 1000:7.1f} ms   "
                  f"`tools check` median {cli * 1000:7.1f} ms   findings {findings}")


if __name__ == "__main__":
    main()
