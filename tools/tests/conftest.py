"""Shared fixtures: a project built end to end on DuckDB, once per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from tools.paths import PROJECT_ROOT

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


@dataclass(frozen=True)
class Warehouse:
    """A private local warehouse (its own DuckDB files and dbt target folder) for a test."""

    root: Path

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["FIELDFORCE_WAREHOUSE_DIR"] = str(self.root / "warehouse")
        env["DBT_TARGET"] = "local"
        env.setdefault("FIELDFORCE_DUCKDB_MEMORY", "4GB")
        return env

    @property
    def raw_path(self) -> Path:
        return self.root / "warehouse" / "analytics_raw.duckdb"

    @property
    def analytics_path(self) -> Path:
        return self.root / "warehouse" / "analytics.duckdb"

    def tools(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tools.cli", *args], cwd=PROJECT_ROOT, env=self.env,
                              capture_output=True, text=True, check=False)

    def dbt(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        dbt = Path(sys.executable).with_name("dbt")
        result = subprocess.run(
            [str(dbt), *args, "--target-path", str(self.root / "target"), "--log-path", str(self.root / "logs")],
            cwd=PROJECT_ROOT, env=self.env, capture_output=True, text=True, check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}")
        return result

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
