"""The medallion end to end: incremental runs equal a full refresh, reruns change nothing,
the build is clean, and the marts reconcile with the sources."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from tools.tests.conftest import AS_OF, E2E_SCALE, Warehouse
from tools.tests.staging_helpers import STAGING, live_keys_sql
from tools.tests.twin_builds import differences

pytestmark = pytest.mark.e2e

MARTS_SCHEMAS = ("main_core", "main_finance", "main_operations", "main_executive")
# Every table dbt builds: the base tables under staging, the intermediate models and the marts.
MODEL_SCHEMAS = ("main_staging", "main_intermediate", *MARTS_SCHEMAS)


def model_tables(path: Path) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            f"where table_schema in {MODEL_SCHEMAS} and table_type = 'BASE TABLE'"
        ).fetchall()
    finally:
        con.close()
    return sorted(row[0] for row in rows)


@pytest.fixture(scope="module")
def synced_three_times(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """Generate, build, then three syncs each followed by an incremental build."""
    wh = Warehouse(tmp_path_factory.mktemp("incremental"))
    assert wh.tools("generate-raw", "--scale", str(E2E_SCALE), "--seed", "21", "--as-of", AS_OF.isoformat(),
                    "--quiet").returncode == 0
    wh.dbt("build")
    for batch in range(1, 4):
        extra = ["--add-column"] if batch == 2 else []
        as_of = (AS_OF + timedelta(days=batch)).isoformat()
        result = wh.tools("sync", "--seed", str(100 + batch), "--as-of", as_of, "--quiet", *extra)
        assert result.returncode == 0, result.stderr
        # unit tests do not read data: the first build ran them; the data tests run after the last batch
        wh.dbt("build", *(() if batch == 3 else ("--exclude-resource-type", "test", "unit_test")))
    return wh


def test_incremental_runs_equal_a_full_refresh(synced_three_times: Warehouse, tmp_path: Path) -> None:
    wh = synced_three_times
    incremental = tmp_path / "incremental.duckdb"
    shutil.copy(wh.analytics_path, incremental)
    wh.dbt("build", "--full-refresh")
    tables = model_tables(wh.analytics_path)
    assert {"main_staging.base_postgres__jobs", "main_intermediate.int_jobs_enriched", "main_core.fct_jobs",
            "main_intermediate.int_technician_daily_routes", "main_finance.fct_revenue"} <= set(tables)
    assert differences(incremental, wh.analytics_path, wh.raw_path) == {}
    empty = [t for t in tables if wh.query(f"select count(*) from {t}")[0][0] == 0]
    assert empty == []


def test_the_pings_of_a_sync_are_inserted_through_a_temporary_view(synced_three_times: Warehouse) -> None:
    """tmp_relation_type='view' (macros/adapters/duckdb__create_table_as.sql): the incremental runs stage the new
    pings in a view, so one insert writes them; the other incremental models stage in a table."""
    # every build's log, also those dbt has rotated out of dbt.log
    log = "".join(path.read_text() for path in (synced_three_times.root / "logs").glob("dbt.log*"))
    assert len(re.findall(r'create temporary view "base_telematics__gps_events__dbt_tmp\d+"', log)) == 3
    assert not re.search(r'create temporary table\s+"base_telematics__gps_events__dbt_tmp', log)
    assert len(re.findall(r'create temporary table\s+"base_postgres__jobs__dbt_tmp\d+"', log)) == 3


def test_syncs_reached_the_marts(synced_three_times: Warehouse) -> None:
    """The batches changed what the marts hold: the comparison above compared real changes."""
    q = synced_three_times.query
    latest_sync = q("select max(_fivetran_synced) from main_core.fct_jobs")[0][0]
    assert latest_sync.replace(tzinfo=None) > AS_OF + timedelta(days=2)
    late_days = q("select count(*) from main_intermediate.int_technician_daily_routes "
                  f"where route_date < date '{AS_OF.date()}' and _fivetran_synced > timestamptz '{AS_OF}+00'")[0][0]
    assert late_days > 0  # days recomputed because late pings arrived for them
    (deleted_left,) = q("""
        select count(*) from main_core.fct_jobs
        where job_id in (select id from analytics_raw.fivetran_postgres.jobs where _fivetran_deleted)""")[0]
    assert deleted_left == 0


INCREMENTAL_STAGING = [row for row in STAGING if row[0] in {
    "stg_postgres__jobs", "stg_postgres__job_line_items", "stg_quickbooks__invoice",
    "stg_quickbooks__invoice_line", "stg_quickbooks__payment", "stg_telematics__gps_events"}]


@pytest.mark.parametrize(("model", "raw_table", "raw_key", "model_key", "deleted"), INCREMENTAL_STAGING,
                         ids=[row[0] for row in INCREMENTAL_STAGING])
def test_base_tables_hold_every_key_after_syncs_and_the_views_the_live_ones(
        synced_three_times: Warehouse, model: str, raw_table: str, raw_key: str, model_key: str,
        deleted: str | None) -> None:
    q = synced_three_times.query
    base = model.replace("stg_", "base_", 1)
    kinds = dict(q(f"select table_name, table_type from information_schema.tables where table_name in ('{model}', '{base}')"))
    assert kinds == {base: "BASE TABLE", model: "VIEW"}
    live = live_keys_sql(raw_table, raw_key, deleted)
    (rows, keys, stray) = q(f"""
        select count(*), count(distinct {model_key}),
               count(*) filter (where cast({model_key} as varchar) not in (select cast(key as varchar) from ({live})))
        from main_staging.{model}""")[0]
    (live_count,) = q(f"select count(*) from ({live})")[0]
    assert (rows, keys, stray) == (live_count, live_count, 0)
    (raw_keys,) = q(f"select count(*) from (select distinct {raw_key} from analytics_raw.{raw_table})")[0]
    (base_rows, base_keys) = q(f"select count(*), count(distinct {model_key}) from main_staging.{base}")[0]
    assert base_rows == base_keys == raw_keys
    if deleted:
        # keys the first build held that a later sync deleted: kept, flagged, in the base table
        (deleted_since, flagged) = q(f"""
            select count(*), count(*) filter (where base.is_deleted) from (
                select {raw_key} as key from analytics_raw.{raw_table} group by {raw_key}
                having arg_max({deleted}, _fivetran_synced)
                   and bool_or(not {deleted} and _fivetran_synced <= timestamptz '{AS_OF}+00')) as gone
            inner join main_staging.{base} as base on cast(base.{model_key} as varchar) = cast(gone.key as varchar)""")[0]
        assert deleted_since > 0
        assert flagged == deleted_since


def test_an_empty_incremental_table_reads_all_of_raw(built: Warehouse, tmp_path: Path) -> None:
    """With no high-water mark (a table created while its raw table was empty), a run reads everything."""
    wh = Warehouse(tmp_path)
    shutil.copytree(built.analytics_path.parent, wh.analytics_path.parent)
    con = duckdb.connect(str(wh.analytics_path))
    try:
        con.execute("delete from main_staging.base_quickbooks__payment")
    finally:
        con.close()
    wh.dbt("run", "--select", "base_quickbooks__payment")
    assert wh.query("select count(*) from main_staging.base_quickbooks__payment") == \
        built.query("select count(*) from main_staging.base_quickbooks__payment")
    assert wh.query("select count(*) from main_staging.base_quickbooks__payment")[0][0] > 0


def test_a_rebuild_with_no_new_data_changes_no_mart(built: Warehouse, tmp_path: Path) -> None:
    before = tmp_path / "before.duckdb"
    shutil.copy(built.analytics_path, before)
    written_before = last_writes(built)
    built.dbt("build")
    assert differences(before, built.analytics_path, built.raw_path) == {}
    # nothing changed, so no incremental model wrote a row: re-read raw rows are not written
    # again, and no comparison with an input finds a difference that is not there
    assert last_writes(built) == written_before
    assert len(written_before) >= 11


def last_writes(wh: Warehouse) -> dict[str, object]:
    """When each incremental table (each table with `_dbt_loaded_at`) was last written to."""
    tables = wh.query("select table_schema || '.' || table_name from information_schema.columns "
                      "where column_name = '_dbt_loaded_at' and table_schema like 'main_%' "
                      "and (table_schema, table_name) in (select table_schema, table_name "
                      "from information_schema.tables where table_type = 'BASE TABLE')")
    return {t: wh.query(f"select max(_dbt_loaded_at) from {t}")[0][0] for (t,) in tables}


def test_build_has_no_errors_and_no_warnings(built: Warehouse) -> None:
    result = built.dbt("build")
    summary = [line for line in result.stdout.splitlines() if "Done. PASS=" in line]
    assert summary and "WARN=0 ERROR=0 SKIP=0" in summary[-1]
    assert "[WARNING]" not in result.stdout
    assert "Deprecat" not in result.stdout


def test_revenue_reconciles_with_quickbooks(built: Warehouse) -> None:
    (mart,) = built.query("select sum(total_amount) from main_finance.fct_revenue")[0]
    (paid,) = built.query("select sum(total_amount) from main_staging.stg_quickbooks__invoice where balance = 0")[0]
    assert paid > 0
    assert abs(mart - paid) <= paid / 100
    (unattributed,) = built.query("select count(*) from main_finance.fct_revenue where service_type_id = -1")[0]
    assert unattributed == 0


def test_every_dimension_key_of_the_facts_exists(built: Warehouse) -> None:
    orphans = built.query("""
        select
            (select count(*) from main_core.fct_jobs f anti join main_core.dim_customers d using (customer_id)),
            (select count(*) from main_core.fct_jobs f anti join main_core.dim_technicians d using (technician_id)),
            (select count(*) from main_core.fct_jobs f anti join main_core.dim_services d using (service_type_id)),
            (select count(*) from main_finance.fct_revenue f anti join main_core.dim_date d
                on f.revenue_date = d.date_day)""")[0]
    assert orphans == (0, 0, 0, 0)


def test_snapshots_keep_history(built: Warehouse) -> None:
    rows, customers, current = built.query(
        "select count(*), count(distinct customer_id), count(*) filter (where dbt_valid_to is null) "
        "from main_snapshots.snap_customers")[0]
    assert rows == customers == current  # a first snapshot: one current version each
    (live,) = built.query("select count(*) from main_staging.stg_postgres__customers")[0]
    assert current == live


def test_snapshot_records_a_change_as_a_new_version(synced_three_times: Warehouse) -> None:
    changed = synced_three_times.query("""
        select count(*) from (select customer_id from main_snapshots.snap_customers
        group by customer_id having count(*) > 1)""")[0][0]
    assert changed > 0  # phone numbers changed in the syncs
    closed = synced_three_times.query(
        "select count(*) from main_snapshots.snap_customers s anti join main_staging.stg_postgres__customers c "
        "using (customer_id) where s.dbt_valid_to is null")[0][0]
    assert closed == 0  # deleted customers have no current version


def test_docs_generate(built: Warehouse) -> None:
    result = built.dbt("docs", "generate")
    assert "Catalog written" in result.stdout


def test_every_model_and_column_is_described(built: Warehouse) -> None:
    import json

    built.dbt("docs", "generate")
    manifest = json.loads((built.root / "target" / "manifest.json").read_text())
    catalog = json.loads((built.root / "target" / "catalog.json").read_text())
    undocumented = []
    for unique_id, node in catalog["nodes"].items():
        if not unique_id.startswith("model."):
            continue
        described = manifest["nodes"][unique_id]
        if not described.get("description"):
            undocumented.append(unique_id)
        documented = {name.lower(): col.get("description") for name, col in described["columns"].items()}
        undocumented += [f"{unique_id}.{column}" for column in (c.lower() for c in node["columns"])
                         if not documented.get(column)]
    assert undocumented == []


def test_a_raw_row_committed_later_than_the_look_back_fails_the_build(built: Warehouse, tmp_path: Path) -> None:
    """The one thing a base table cannot see: a row Fivetran stamped long before its newest rows
    but committed after them. Its test says so, and a full refresh of the table, as the docs
    tell, takes the row in."""
    wh = Warehouse(tmp_path)
    shutil.copytree(built.root / "warehouse", wh.root / "warehouse")
    con = duckdb.connect(str(wh.raw_path))
    try:
        con.execute("""
            insert into fivetran_postgres.jobs by name
            select * replace (900000001 as id,
                              (select max(_fivetran_synced) from fivetran_postgres.jobs) - interval 2 day as _fivetran_synced)
            from fivetran_postgres.jobs limit 1""")
    finally:
        con.close()
    result = wh.dbt("build", "--select", "base_postgres__jobs", check=False)
    assert result.returncode == 1
    failed = [line for line in result.stdout.splitlines() if "FAIL" in line and "holds_every_raw_version" in line]
    assert len(failed) == 1 and "base_postgres__jobs" in failed[0], result.stdout[-3000:]
    assert wh.query("select count(*) from main_staging.base_postgres__jobs where job_id = 900000001") == [(0,)]
    wh.dbt("build", "--select", "base_postgres__jobs", "--full-refresh")
    assert wh.query("select count(*) from main_staging.base_postgres__jobs where job_id = 900000001") == [(1,)]
