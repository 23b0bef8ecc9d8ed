"""Shared fixtures: a project built end to end on DuckDB, once per test session."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import libfaketime
import pytest

# The project these tests belong to: they test this checkout, wherever pytest was started from.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
# A fixed landing time keeps every test run's data identical.
AS_OF = datetime(2026, 11, 20, 12, 0, 0)
E2E_SCALE = 0.002
E2E_SEED = 3


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fieldforce")
    group.addoption("--cdc-rounds", type=int, default=2,
                    help="sequences of random Fivetran change batches the incremental-equals-full-refresh "
                         "property test tries (default 2, a fixed set; more are drawn at random)")
    group.addoption("--cdc-seed", type=int, default=None,
                    help="seed for those random draws, to repeat a run")


def clock_env(at: datetime) -> dict[str, str]:
    """Environment that starts a process's clock at `at` (UTC), for every clock it reads: Python's,
    DuckDB's `now()`, dbt's. libfaketime is preloaded with an offset from the real clock, so the
    processes a command starts agree with it and time still passes."""
    # Under `.ci/at` this process's clock is itself offset: the child's offset is from the real clock.
    outer = re.fullmatch(r"([+-]\d+)s", os.environ.get("FAKETIME", "")) if "libfaketime" in os.environ.get(
        "LD_PRELOAD", "") else None
    real_now = time.time() - (int(outer.group(1)) if outer else 0)
    offset = round(at.replace(tzinfo=timezone.utc).timestamp() - real_now)
    library = Path(libfaketime.__file__).parent / "vendor" / "libfaketime" / "src" / "libfaketime.so.1"
    return {"LD_PRELOAD": str(library), "FAKETIME": f"{offset:+d}s", "DONT_FAKE_MONOTONIC": "1"}


@dataclass(frozen=True)
class Warehouse:
    """A private local warehouse (its own DuckDB files and dbt target folder) for a test; with
    `clock`, the commands it runs see that time as now (`dataclasses.replace(wh, clock=...)`)."""

    root: Path
    clock: datetime | None = None

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["FIELDFORCE_WAREHOUSE_DIR"] = str(self.root / "warehouse")
        env["DBT_TARGET"] = "local"
        env.setdefault("FIELDFORCE_DUCKDB_MEMORY", "4GB")
        if self.clock is not None:
            env.update(clock_env(self.clock))
        return env

    @property
    def raw_path(self) -> Path:
        return self.root / "warehouse" / "analytics_raw.duckdb"

    @property
    def analytics_path(self) -> Path:
        return self.root / "warehouse" / "analytics.duckdb"

    def copy(self, root: Path, clock: datetime | None = None) -> Warehouse:
        """A private copy of this warehouse's DuckDB files under `root`, to change without
        touching the original (a session's `built` warehouse is shared)."""
        shutil.copytree(self.root / "warehouse", root / "warehouse")
        return Warehouse(root, clock=clock)

    def tools(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tools.cli", *args], cwd=PROJECT_ROOT, env=self.env,
                              capture_output=True, text=True, check=False)

    def dbt(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        dbt = Path(sys.executable).with_name("dbt")
        ran = subprocess.run(
            [str(dbt), *args, "--target-path", str(self.root / "target"), "--log-path", str(self.root / "logs")],
            cwd=PROJECT_ROOT, env=self.env, capture_output=True, check=False,
        )
        # decoded by hand, not with text=True, which folds \r\n: a compiled literal keeps its line endings
        result = subprocess.CompletedProcess(ran.args, ran.returncode, ran.stdout.decode(errors="replace"),
                                             ran.stderr.decode(errors="replace"))
        if check and result.returncode != 0:
            raise AssertionError(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}")
        return result

    def mf(self, *args: str) -> subprocess.CompletedProcess[str]:
        """MetricFlow's CLI over this warehouse. `mf` reads target/semantic_manifest.json under the
        project it runs in, so it runs in a view of the project (links to its files) whose target
        is this warehouse's: the checkout's own target/ is neither read nor written."""
        view = self.root / "mf_project"
        if not view.exists():
            view.mkdir()
            for entry in PROJECT_ROOT.iterdir():
                if entry.name not in ("target", "logs", ".warehouse") and not entry.name.startswith(".venv"):
                    (view / entry.name).symlink_to(entry)
            (view / "target").symlink_to(self.root / "target")
        env = {**self.env, "DBT_PROJECT_DIR": str(view), "DBT_PROFILES_DIR": str(PROJECT_ROOT)}
        mf = Path(sys.executable).with_name("mf")
        return subprocess.run([str(mf), *args], cwd=view, env=env, capture_output=True, text=True, check=False)

    def compile_inline(self, sql: str) -> subprocess.CompletedProcess[str]:
        """`dbt compile --inline`, whose output is the compiled SQL; an empty raw database is enough."""
        self.raw_path.parent.mkdir(parents=True, exist_ok=True)
        duckdb.connect(str(self.raw_path)).close()
        return self.dbt("compile", "--quiet", "--inline", sql, check=False)

    def query(self, sql: str) -> list[tuple]:
        """Query the built warehouse, with raw attached as dbt sees it."""
        con = duckdb.connect(str(self.analytics_path), read_only=True)
        try:
            con.execute(f"attach '{self.raw_path}' as analytics_raw (read_only)")
            con.execute("set TimeZone = 'UTC'")
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def raw_query(self, sql: str) -> list[tuple]:
        con = duckdb.connect(str(self.raw_path), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()


@contextmanager
def held_open(path: Path, read_only: bool = False) -> Iterator[subprocess.Popen[str]]:
    """Another process with the DuckDB file at `path` open (read-only as a dbt build holds raw,
    read-write as it holds its own file) until the block ends."""
    code = ("import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro'); "
            "print('open', flush=True); sys.stdin.read()")
    holder = subprocess.Popen([sys.executable, "-c", code, str(path), "ro" if read_only else "rw"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        yield holder
    finally:
        holder.communicate("")


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """Raw data generated and the whole project built with `dbt build`, shared by the e2e tests."""
    wh = Warehouse(tmp_path_factory.mktemp("built"))
    result = wh.tools("generate-raw", "--scale", str(E2E_SCALE), "--seed", str(E2E_SEED),
                      "--as-of", AS_OF.isoformat(), "--quiet")
    assert result.returncode == 0, result.stderr
    wh.dbt("build")
    yield wh
