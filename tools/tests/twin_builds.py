"""The project built twice from the same raw data: incrementally, and from scratch.

`TwinBuilds` keeps a private copy of the project (so that tests can edit its seeds) and two
local warehouses over one raw database: `incremental`, which every `build()` brings up to date
with incremental runs, and `full`, which every `build()` rebuilds with `--full-refresh`. Both dbt
runs go side by side, one thread each. `differences()` compares every model the two hold, row
for row, as multisets, leaving out only dbt's audit columns (when dbt wrote a row).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tools.emulator.pipeline import AUDIT_COLUMNS
from tools.tests.conftest import PROJECT_ROOT

PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml")
PROJECT_DIRS = ("models", "macros", "seeds", "snapshots", "tests", "analyses")
MODEL_SCHEMAS = ("main_staging", "main_intermediate", "main_core", "main_finance", "main_operations",
                 "main_executive", "main_security")
# Models, seeds and nothing else: data tests and snapshots do not change what models hold.
BUILD = ("build", "--exclude-resource-type", "test", "unit_test", "snapshot")


def copy_project(destination: Path) -> Path:
    destination.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy(PROJECT_ROOT / name, destination / name)
    for name in PROJECT_DIRS:
        shutil.copytree(PROJECT_ROOT / name, destination / name, dirs_exist_ok=True)
    return destination


def differences(left: Path, right: Path, raw: Path) -> dict[str, tuple[int, int]]:
    """Per relation that differs: rows only on the left, rows only on the right (as multisets)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{raw}' as analytics_raw (read_only)")
        con.execute(f"attach '{left}' as l (read_only)")
        con.execute(f"attach '{right}' as r (read_only)")
        con.execute("set TimeZone = 'UTC'")
        schemas = ", ".join(f"'{s}'" for s in MODEL_SCHEMAS)
        relations = {tuple(row) for row in con.execute(
            f"select table_catalog, table_schema, table_name from information_schema.tables "
            f"where table_catalog in ('l', 'r') and table_schema in ({schemas})").fetchall()}
        left_names = {(s, t) for c, s, t in relations if c == "l"}
        right_names = {(s, t) for c, s, t in relations if c == "r"}
        found: dict[str, tuple[int, int]] = {}
        for schema, table in sorted(left_names ^ right_names):
            found[f"{schema}.{table}"] = (-1, -1)  # built on one side only
        for schema, table in sorted(left_names & right_names):
            columns = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_catalog = 'l' "
                "and table_schema = ? and table_name = ? order by ordinal_position", [schema, table]).fetchall()
                if c not in AUDIT_COLUMNS]
            listed = ", ".join(f'"{c}"' for c in columns)
            left_rel, right_rel = f'l.{schema}."{table}"', f'r.{schema}."{table}"'
            only_left = con.execute(f"select count(*) from (select {listed} from {left_rel} "
                                    f"except all select {listed} from {right_rel})").fetchone()[0]
            only_right = con.execute(f"select count(*) from (select {listed} from {right_rel} "
                                     f"except all select {listed} from {left_rel})").fetchone()[0]
            if only_left or only_right:
                found[f"{schema}.{table}"] = (only_left, only_right)
        return found
    finally:
        con.close()


class DbtFailed(AssertionError):
    pass


@dataclass
class TwinBuilds:
    root: Path

    @property
    def project(self) -> Path:
        return self.root / "project"

    def warehouse(self, name: str) -> Path:
        return self.root / name

    @property
    def raw(self) -> Path:
        return self.warehouse("incremental") / "analytics_raw.duckdb"

    def analytics(self, name: str) -> Path:
        return self.warehouse(name) / "analytics.duckdb"

    def create(self, raw: Path) -> None:
        """A fresh pair over a copy of `raw`, both built from scratch."""
        copy_project(self.project)
        for name in ("incremental", "full"):
            self.warehouse(name).mkdir(parents=True, exist_ok=True)
        shutil.copy(raw, self.raw)
        (self.warehouse("full") / "analytics_raw.duckdb").symlink_to(self.raw)
        self.build()

    def env(self, name: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(FIELDFORCE_WAREHOUSE_DIR=str(self.warehouse(name)), DBT_TARGET="local", DBT_THREADS="1",
                   FIELDFORCE_DUCKDB_MEMORY="1GB")
        return env

    def _start(self, name: str, *args: str) -> subprocess.Popen[str]:
        dbt = Path(sys.executable).with_name("dbt")
        out = self.warehouse(name)
        return subprocess.Popen(
            [str(dbt), *BUILD, *args, "--target-path", str(out / "target"), "--log-path", str(out / "logs")],
            cwd=self.project, env=self.env(name), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def build(self, *args: str) -> None:
        """Bring `incremental` up to date incrementally and rebuild `full` from scratch, side by side."""
        self._wait({"incremental": self._start("incremental", *args), "full": self._start("full", "--full-refresh")})

    def run_incremental(self, *args: str) -> None:
        """A dbt build of the incremental warehouse alone (part of it, say), compared with nothing."""
        self._wait({"incremental": self._start("incremental", *args)})

    def _wait(self, runs: dict[str, subprocess.Popen[str]]) -> None:
        failures = []
        for name, run in runs.items():
            output, _ = run.communicate()
            if run.returncode != 0:
                failures.append(f"dbt build ({name}) failed:\n{output[-6000:]}")
        if failures:
            raise DbtFailed("\n".join(failures))

    def differences(self) -> dict[str, tuple[int, int]]:
        return differences(self.analytics("incremental"), self.analytics("full"), self.raw)

    def save(self, destination: Path) -> None:
        """The incremental warehouse and the seeds as they are now (the full one is rebuilt anyway)."""
        destination.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.raw, destination / "analytics_raw.duckdb")
        shutil.copy(self.analytics("incremental"), destination / "analytics.duckdb")
        shutil.copytree(self.project / "seeds", destination / "seeds", dirs_exist_ok=True)

    def restore(self, source: Path) -> None:
        shutil.copy(source / "analytics_raw.duckdb", self.raw)
        shutil.copy(source / "analytics.duckdb", self.analytics("incremental"))
        shutil.rmtree(self.project / "seeds")
        shutil.copytree(source / "seeds", self.project / "seeds")
