"""The emulator CI run: the same raw data built on the emulator and on DuckDB, then compared.

    generate raw (DuckDB file) -> platform setup (roles, warehouses, databases, grants, masking
    policies) on the emulator -> dbt build on the emulator (governance on) and on DuckDB
    -> tools sync (a Fivetran batch) -> incremental dbt build on both
    -> dbt docs generate on the emulator -> compare every table

`python -m tools.emulator build --workdir DIR` (scripts/emulator_ci.sh, `make emulator-ci`) runs
it; tools/tests/snowflake/test_emulator.py runs it at a small scale. Every dbt call runs under a timeout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from tools.emulator.server import Emulator
from tools.paths import find_project_root

AS_OF = datetime(2026, 11, 20, 12, 0, 0)
DBT_TIMEOUT_SECONDS = int(os.environ.get("FIELDFORCE_EMULATOR_DBT_TIMEOUT", "900"))
# The emulator's schemas are the CI target's (`ci_core`), the local target's `main_core`.
EMULATOR_SCHEMA_PREFIX = "ci_"
LOCAL_SCHEMA_PREFIX = "main_"
# Snapshots stamp rows with the time they ran, and incremental models with the time of the run
# that wrote them (docs/incremental.md): they are compared without those columns.
SNAPSHOT_TIMING_COLUMNS = ("dbt_updated_at", "dbt_valid_from", "dbt_valid_to", "dbt_scd_id")
AUDIT_COLUMNS = ("_dbt_loaded_at",)
# dbt's own run history and the models on it record each run (its ids, its seconds), so two
# builds never agree on them: they are built on both sides, not compared (docs/monitoring.md).
RUN_HISTORY_SCHEMAS = ("run_history", "monitoring")


class StepFailed(RuntimeError):
    pass


@dataclass
class EmulatorRun:
    workdir: Path
    project_dir: Path = field(default_factory=find_project_root)
    scale: float = 0.002
    seed: int = 3
    syncs: int = 3
    log: Callable[[str], None] = print
    steps: list[str] = field(default_factory=list)

    @property
    def warehouse_dir(self) -> Path:
        return self.workdir / "warehouse"

    @property
    def emulator_dir(self) -> Path:
        return self.workdir / "emulator"

    @property
    def raw_file(self) -> Path:
        return self.warehouse_dir / "analytics_raw.duckdb"

    @property
    def emulator_file(self) -> Path:
        return self.emulator_dir / "ANALYTICS_CI.db"

    @property
    def local_file(self) -> Path:
        return self.warehouse_dir / "analytics.duckdb"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["FIELDFORCE_WAREHOUSE_DIR"] = str(self.warehouse_dir)
        env.setdefault("FIELDFORCE_DUCKDB_MEMORY", "4GB")
        return env

    def _run(self, name: str, cmd: list[str], env: dict[str, str],
             record: bool = True) -> subprocess.CompletedProcess[str]:
        self.log(f"[emulator-ci] {name}")
        if record:
            self.steps.append(name)
        started = time.monotonic()
        try:
            result = subprocess.run(cmd, cwd=self.project_dir, env=env, capture_output=True, text=True,
                                    timeout=DBT_TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired as exc:
            raise StepFailed(f"{name}: timed out after {DBT_TIMEOUT_SECONDS}s") from exc
        self.log(f"[emulator-ci] {name}: {time.monotonic() - started:.0f} s")
        if result.returncode != 0:
            raise StepFailed(f"{name} failed ({result.returncode}):\n{result.stdout[-8000:]}\n{result.stderr[-3000:]}")
        return result

    def tools(self, name: str, *args: str) -> None:
        self._run(name, [sys.executable, "-m", "tools.cli", *args], self.env())

    def dbt(self, name: str, target: str, *args: str, env: dict[str, str] | None = None,
            record: bool = True) -> str:
        dbt = str(Path(sys.executable).with_name("dbt"))
        out = self.workdir / f"target_{target}"
        # each target logs on its own: the two builds run side by side (build_both)
        logs = self.workdir / ("logs" if target == "emulator" else f"logs_{target}")
        cmd = [dbt, *args, "--target", target, "--target-path", str(out), "--log-path", str(logs)]
        return self._run(name, cmd, env or self.env(), record).stdout

    def on_emulator(self, name: str, *args: str) -> str:
        # A fresh server per command: it loads the raw file as it is now (a restart is how a sync
        # lands), and keeps what earlier builds made in its own database files.
        with Emulator(db_path=self.emulator_dir, raw_file=self.raw_file,
                      log_file=self.workdir / "emulator.log") as emulator:
            return self.dbt(name, "emulator", *args, env=emulator.env(self.env()))

    def build_on_emulator(self, name: str, *args: str) -> str:
        # With Snowflake's governance on (masking post-hooks, the audit view), which the
        # `emulator` target leaves off by default; the DuckDB target has none.
        out = self.on_emulator(name, "build", "--vars", "{snowflake_governance: true}", *args)
        # `docs generate` rewrites run_results.json; keep the latest build's
        target = self.workdir / "target_emulator"
        shutil.copy(target / "run_results.json", target / "build_run_results.json")
        return out

    def build_both(self, emulator_step: str, local_step: str) -> None:
        """The emulator's build and DuckDB's, side by side: they share only the raw file, which both read."""
        with ThreadPoolExecutor(max_workers=1) as pool:
            local = pool.submit(self.dbt, local_step, "local", "build", record=False)
            self.build_on_emulator(emulator_step)
            local.result()
        self.steps.append(local_step)

    def run(self) -> dict[str, tuple[int, int, int]]:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.tools("generate raw data", "generate-raw", "--scale", str(self.scale), "--seed", str(self.seed),
                   "--as-of", AS_OF.isoformat(), "--quiet")
        self.on_emulator("platform setup (emulator)", "run-operation", "platform_setup",
                         "--args", "{dry_run: false}")
        self.build_both("dbt build (emulator, full)", "dbt build (DuckDB, full)")
        for batch in range(1, self.syncs + 1):
            as_of = (AS_OF + timedelta(days=batch)).isoformat()
            # the last batch also adds a column upstream (schema drift), as test_medallion.py does
            extra = ["--add-column"] if batch == self.syncs else []
            self.tools(f"tools sync (batch {batch})", "sync", "--seed", str(100 + batch), "--as-of", as_of,
                       "--quiet", *extra)
            self.build_both(f"dbt build (emulator, incremental {batch})", f"dbt build (DuckDB, incremental {batch})")
        # the last build's manifest is the project's: no second compile
        self.on_emulator("dbt docs generate (emulator)", "docs", "generate", "--no-compile")
        diffs = compare(self.emulator_file, self.local_file)
        self.log(format_differences(diffs))
        return diffs


def tables_of(con: duckdb.DuckDBPyConnection, catalog: str, prefix: str) -> dict[tuple[str, str], str]:
    """(schema without its prefix, table) -> qualified name, lower case, of every base table."""
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = ? and table_type = 'BASE TABLE' and lower(table_schema) like ? "
        "and table_name not ilike '%__dbt_tmp%'",
        [catalog, prefix + "%"],
    ).fetchall()
    return {(s.lower()[len(prefix):], t.lower()): f'{catalog}."{s}"."{t}"' for s, t in rows
            if s.lower()[len(prefix):] not in RUN_HISTORY_SCHEMAS}


def compare(emulator_file: Path, local_file: Path) -> dict[str, tuple[int, int, int]]:
    """Per table: rows only on the emulator, rows only on DuckDB (as multisets), and the row count.

    Columns are compared by name, as the same types on both sides (the emulator's NUMBER(38,0) is
    DuckDB's BIGINT); decimals keep their scale on both, so no rounding tolerance is needed.
    """
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{emulator_file}' as emu (read_only)")
        con.execute(f"attach '{local_file}' as loc (read_only)")
        emu = tables_of(con, "emu", EMULATOR_SCHEMA_PREFIX)
        loc = tables_of(con, "loc", LOCAL_SCHEMA_PREFIX)
        result: dict[str, tuple[int, int, int]] = {}
        for key in sorted(set(emu) | set(loc)):
            name = f"{key[0]}.{key[1]}"
            if key not in emu or key not in loc:
                result[name] = (-1, -1, 0)  # built on one side only
                continue
            columns = [c for (c,) in con.execute(f"select column_name from (describe {loc[key]})").fetchall()
                       if not (key[0] == "snapshots" and c.lower() in SNAPSHOT_TIMING_COLUMNS)
                       and c.lower() not in AUDIT_COLUMNS]
            types = dict(con.execute(f"select column_name, column_type from (describe {loc[key]})").fetchall())
            select_loc = ", ".join(f'"{c}"' for c in columns)
            select_emu = ", ".join(f'cast("{c}" as {types[c]}) as "{c}"' for c in columns)
            left = f"select {select_emu} from {emu[key]}"
            right = f"select {select_loc} from {loc[key]}"
            only_emu = con.execute(f"select count(*) from ({left} except all {right})").fetchall()[0][0]
            only_loc = con.execute(f"select count(*) from ({right} except all {left})").fetchall()[0][0]
            rows = con.execute(f"select count(*) from {loc[key]}").fetchall()[0][0]
            result[name] = (only_emu, only_loc, rows)
        return result
    finally:
        con.close()


def format_differences(diffs: dict[str, tuple[int, int, int]]) -> str:
    lines = ["table                                       only-emulator  only-duckdb   rows"]
    lines += [f"{name:<44}{a:>13}{b:>13}{rows:>7}" for name, (a, b, rows) in diffs.items()]
    return "\n".join(lines)
