"""Raw data generated anew under a built warehouse: the next build follows it, nothing mixes.

`tools generate-raw` replaces the whole raw database (another seed, another day). The platform
notices (the generation id kept with raw, macros/raw_generation/): the next `dbt build`
rebuilds every incremental model whole and starts the snapshots' history again. Generation
never swaps raw under a running dbt, and leaves a raw database that opens.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from tools.tests.conftest import AS_OF, Warehouse, held_open
from tools.tests.raw_helpers import checksums
from tools.tests.twin_builds import differences

pytestmark = pytest.mark.e2e
# the builds that follow the first ran its tests already: what they compare are the models
NO_TESTS = ("--exclude-resource-type", "test", "unit_test")


def _generate(wh: Warehouse, seed: int, scale: float = 0.001) -> subprocess.CompletedProcess[str]:
    return wh.tools("generate-raw", "--scale", str(scale), "--seed", str(seed), "--as-of", AS_OF.isoformat())


def test_a_build_after_generating_anew_rebuilds_the_incremental_models(built: Warehouse, tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "regenerated")
    shutil.copytree(built.root / "warehouse", wh.root / "warehouse")
    result = _generate(wh, seed=99)
    assert result.returncode == 0, result.stderr
    assert "the next dbt build rebuilds its incremental models whole" in result.stdout

    # part of the platform first: what it reads still holds the old data set (its tests would
    # say so), so it is rebuilt again once that is current (the whole build below)
    partial = wh.dbt("run", "--select", "int_jobs_enriched+")
    assert "int_jobs_enriched read" in partial.stdout and "which holds another raw data set" in partial.stdout
    build = wh.dbt("build")
    assert "base_postgres__jobs held another raw data set (raw was generated anew): rebuilt it whole" in build.stdout
    assert "int_jobs_enriched held another raw data set" in build.stdout
    assert "snap_customers held another raw data set (raw was generated anew): its history starts again" \
        in build.stdout
    # what it holds is exactly what a full refresh from the new raw data holds
    incremental = tmp_path / "incremental.duckdb"
    shutil.copy(wh.analytics_path, incremental)
    wh.dbt("build", "--full-refresh", *NO_TESTS)
    assert differences(incremental, wh.analytics_path, wh.raw_path) == {}
    # and none of the old data set is left: the base table holds the new raw keys only
    (stray,) = wh.query("""
        select count(*) from main_staging.base_postgres__jobs as base
        anti join analytics_raw.fivetran_postgres.jobs as raw on base.job_id = raw.id""")[0]
    assert stray == 0
    # the snapshots' history starts again with the new data set: one current version per customer
    rows, customers, current = wh.query(
        "select count(*), count(distinct customer_id), count(*) filter (where dbt_valid_to is null) "
        "from main_snapshots.snap_customers")[0]
    (live,) = wh.query("select count(*) from main_staging.stg_postgres__customers")[0]
    assert rows == customers == current == live
    # a second build on the same raw data is incremental again
    again = wh.dbt("build", *NO_TESTS)
    assert "raw data set" not in again.stdout


def test_generation_leaves_raw_alone_while_another_process_reads_it(warehouse: Warehouse) -> None:
    assert _generate(warehouse, seed=1).returncode == 0
    before = checksums(warehouse.raw_path)
    with held_open(warehouse.raw_path, read_only=True) as holder:
        result = _generate(warehouse, seed=2)
    assert result.returncode == 1
    assert f"is in use by process {holder.pid}" in result.stderr
    assert "run `tools generate-raw` again once that has finished" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert checksums(warehouse.raw_path) == before
    assert not list(warehouse.raw_path.parent.glob("*.building*"))


def _leave_a_write_ahead_log(path: Path) -> None:
    """A process that wrote to `path` and died before its checkpoint: `path.wal` stays behind."""
    code = textwrap.dedent(f"""
        import duckdb, os
        con = duckdb.connect({str(path)!r})
        con.execute("create table leftover as select range as i from range(1000)")
        os._exit(0)
    """)
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("old_raw", ["kept", "removed"])
def test_generation_leaves_a_raw_database_that_opens_whatever_wal_lies_next_to_it(
        warehouse: Warehouse, old_raw: str) -> None:
    wal = warehouse.raw_path.with_name(warehouse.raw_path.name + ".wal")
    warehouse.raw_path.parent.mkdir(parents=True)
    _leave_a_write_ahead_log(warehouse.raw_path)
    assert wal.exists()
    if old_raw == "removed":
        warehouse.raw_path.unlink()  # an orphaned log, its database gone
    result = _generate(warehouse, seed=3)
    assert result.returncode == 0, result.stderr
    assert not wal.exists()
    con = duckdb.connect(str(warehouse.raw_path), read_only=True)
    try:
        (jobs,) = con.execute("select count(*) from fivetran_postgres.jobs").fetchone()
        tables = {t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()}
    finally:
        con.close()
    assert jobs > 0
    assert "leftover" not in tables
