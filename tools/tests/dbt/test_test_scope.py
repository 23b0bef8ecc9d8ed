"""Daily runs test what the run wrote; a full-test run tests whole tables (macros/test_scope/).

One warehouse, built and then brought up to date by an incremental run, receives defects of
each kind, some in rows the last run wrote and some in older rows, written straight into its
tables and into raw. The daily scope must catch the first kind and only those; a full-test run
(`--vars '{full_tests: true}'`) must catch all of them.
"""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from tools.tests.conftest import AS_OF, Warehouse


@pytest.fixture(scope="module")
def synced(built: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The built warehouse after a day's sync and the incremental build that follows it."""
    wh = Warehouse(tmp_path_factory.mktemp("scope"))
    shutil.copytree(built.root / "warehouse", wh.root / "warehouse")
    result = wh.tools("sync", "--seed", "77", "--as-of", (AS_OF + timedelta(days=1)).isoformat(), "--quiet")
    assert result.returncode == 0, result.stderr
    wh.dbt("build")
    return wh


def results_of_the_defect_tests(wh: Warehouse, *args: str) -> dict[str, tuple[str, int]]:
    """`dbt test` of the models that carry the defects: each test's status and failing rows."""
    wh.dbt("test", "--select", "base_postgres__jobs", "base_quickbooks__invoice", "base_telematics__gps_events",
           "fct_jobs", *args, check=False)
    results = json.loads((wh.root / "target" / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[2]: (r["status"], r["failures"] or 0) for r in results
            if r["unique_id"].startswith("test.")}


GPS_HOLDS_TEST = ("holds_every_raw_version_base_telematics__gps_events_event_at__first__gps_event_id__"
                  "source_fivetran_telematics_gps_events_")


def failing(results: dict[str, tuple[str, int]]) -> dict[str, int]:
    return {name: rows for name, (status, rows) in results.items() if status != "pass"}


def test_the_daily_scope_catches_the_defects_of_the_last_run_and_a_full_test_run_all(synced: Warehouse) -> None:
    analytics = duckdb.connect(str(synced.analytics_path))
    try:
        analytics.execute(f"attach '{synced.raw_path}' as analytics_raw")
        last_run = "(select max(_dbt_loaded_at) from {})"
        # 1. an older job stored twice: not a key the last run wrote
        analytics.execute(f"""
            insert into main_staging.base_postgres__jobs
            select * from main_staging.base_postgres__jobs
            where _dbt_loaded_at < {last_run.format('main_staging.base_postgres__jobs')} order by job_id limit 1""")
        # 2. a key the last run wrote, also stored in an older row (an older run, an older sync):
        #    the batch's key against the table
        invoices = "main_staging.base_quickbooks__invoice"
        written = analytics.execute(f"select count(*) from {invoices} where _dbt_loaded_at = {last_run.format(invoices)}"
                                    ).fetchone()
        assert written and written[0] > 0, "the sync changed no invoice: the test needs one"
        analytics.execute(f"""
            insert into {invoices}
            select * replace (_dbt_loaded_at - interval 1 day as _dbt_loaded_at,
                              _fivetran_synced - interval 1 day as _fivetran_synced) from {invoices}
            where _dbt_loaded_at = {last_run.format(invoices)} order by invoice_id limit 1""")
        # 3. an older fact row without its customer
        analytics.execute(f"""
            update main_core.fct_jobs set customer_id = null
            where job_id = (select min(job_id) from main_core.fct_jobs
                            where _dbt_loaded_at < {last_run.format('main_core.fct_jobs')})""")
        # 4. a raw job committed five days behind the newest rows: past the daily window (the last
        #    run's batch, a day's sync, and raw_test_window_hours, 24, before it)
        analytics.execute("""
            insert into analytics_raw.fivetran_postgres.jobs by name
            select * replace (900000004 as id, (select max(_fivetran_synced) from main_staging.base_postgres__jobs)
                              - interval 5 day as _fivetran_synced)
            from analytics_raw.fivetran_postgres.jobs limit 1""")
        # 5. a raw invoice committed 36 hours behind: before the batch, within the window
        analytics.execute("""
            insert into analytics_raw.fivetran_quickbooks.invoice by name
            select * replace ('900000005' as id, (select max(_fivetran_synced) from main_staging.base_quickbooks__invoice)
                              - interval 36 hour as _fivetran_synced)
            from analytics_raw.fivetran_quickbooks.invoice limit 1""")
        # 6. a ping first delivered before the window, delivered again in it: not a miss
        pings, raw_pings = "main_staging.base_telematics__gps_events", "analytics_raw.fivetran_telematics.gps_events"
        high_water = f"(select max(_fivetran_synced) from {pings})"
        first, second, third = (row[0] for row in analytics.execute(
            f"select gps_event_id from {pings} order by gps_event_id limit 3").fetchall())
        for ping in (first, third):
            for table, key in ((pings, "gps_event_id"), (raw_pings, "event_id")):
                analytics.execute(f"update {table} set _fivetran_synced = {high_water} - interval 100 hour "
                                  f"where {key} = '{ping}'")
        analytics.execute(f"""
            insert into {raw_pings} by name
            select * replace ({high_water} - interval 1 hour as _fivetran_synced) from {raw_pings}
            where event_id = '{first}'""")
        # 8. the same, but delivered again under another time, a month after the first delivery's,
        #    which webhooks never do: the daily look-up of earlier deliveries reads only the stored
        #    pings as recent as the window's redelivered ones (event_time), so it reports the ping
        #    (the run that read the redelivery would have stored it twice, and failed `unique`)
        for table, key in ((pings, "gps_event_id"), (raw_pings, "event_id")):
            analytics.execute(f"update {table} set event_at = event_at - interval 30 day where {key} = '{third}'")
        analytics.execute(f"""
            insert into {raw_pings} by name
            select * replace ({high_water} - interval 1 hour as _fivetran_synced, event_at + interval 30 day as event_at)
            from {raw_pings} where event_id = '{third}'""")
        # 7. a ping whose stored delivery is not its first: raw holds an earlier one, in the window
        analytics.execute(f"""
            update {pings} set _fivetran_synced = {high_water} - interval 2 hour where gps_event_id = '{second}'""")
        analytics.execute(f"""
            update {raw_pings} set _fivetran_synced = {high_water} - interval 2 hour where event_id = '{second}'""")
        analytics.execute(f"""
            insert into {raw_pings} by name
            select * replace ({high_water} - interval 3 hour as _fivetran_synced) from {raw_pings}
            where event_id = '{second}'""")
    finally:
        analytics.close()

    daily = failing(results_of_the_defect_tests(synced))
    assert daily == {
        "unique_base_quickbooks__invoice_invoice_id__last_run": 1,
        # the missed invoice (5), and the older copy of the written one (2), a version raw does not hold last
        "holds_every_raw_version_base_quickbooks__invoice_invoice_id__source_fivetran_quickbooks_invoice_": 2,
        # the ping stored at a later delivery (7), and the one delivered again under another time (8)
        GPS_HOLDS_TEST: 2,
    }, daily
    full = failing(results_of_the_defect_tests(synced, "--vars", "{full_tests: true}"))
    assert full == {
        **daily,
        # whole tables: the table holds 8's first delivery, as raw does
        GPS_HOLDS_TEST: 1,
        "unique_base_postgres__jobs_job_id__last_run": 1,
        "not_null_fct_jobs_customer_id": 1,
        "holds_every_raw_version_base_postgres__jobs_job_id__source_fivetran_postgres_jobs_": 1,
    }, full


def test_a_redelivered_ping_with_another_time_fails_the_run_that_stores_it_twice(
        built: Warehouse, tmp_path: Path) -> None:
    """An incremental run looks for a delivery's earlier copy among the stored pings of the same
    hours (docs/incremental.md): a ping delivered again under another event_at, which Fivetran's
    webhooks never do, is stored twice, and the daily `unique` test on its key says so."""
    wh = Warehouse(tmp_path)
    shutil.copytree(built.root / "warehouse", wh.root / "warehouse")
    raw = duckdb.connect(str(wh.raw_path))
    try:
        raw.execute("""
            insert into fivetran_telematics.gps_events by name
            select * replace (_fivetran_id || '-moved' as _fivetran_id, event_at + interval 3 hour as event_at,
                              (select max(_fivetran_synced) from fivetran_telematics.gps_events)
                              + interval 1 hour as _fivetran_synced)
            from fivetran_telematics.gps_events
            order by event_id
            limit 1""")
    finally:
        raw.close()
    wh.dbt("build", "--select", "base_telematics__gps_events", check=False)
    results = json.loads((wh.root / "target" / "run_results.json").read_text())["results"]
    statuses = {r["unique_id"].split(".")[2]: (r["status"], r["failures"]) for r in results}
    assert statuses["base_telematics__gps_events"] == ("success", None)
    assert statuses["unique_base_telematics__gps_events_gps_event_id__last_run"] == ("fail", 1)


def test_a_daily_test_reads_the_rows_of_the_last_run_and_keeps_its_own_where(synced: Warehouse) -> None:
    """The SQL the scopes generate: a `where` after `last_run` is kept, uniqueness is checked for
    the written keys against the whole table, and a full-test run reads the tables whole."""
    synced.dbt("compile", "--select", "int_jobs_enriched", "fct_jobs")
    compiled = synced.root / "target" / "compiled" / "dbt_fieldforce" / "models"
    relationships = next((compiled / "intermediate" / "int_operations" / "_int_operations__models.yml").glob(
        "relationships_int_jobs_enriche*.sql")).read_text()
    assert ("where _dbt_loaded_at = (select max(last_run._dbt_loaded_at) from "
            '"analytics"."main_intermediate"."int_jobs_enriched" as last_run) and (not is_deleted)') in relationships
    unique = (compiled / "marts" / "core" / "_core__models.yml" / "unique_fct_jobs_job_id__last_run.sql").read_text()
    assert 'from "analytics"."main_core"."fct_jobs"\n    where (job_id) in (' in unique

    synced.dbt("compile", "--select", "int_jobs_enriched", "fct_jobs",
               "--vars", "{full_tests: true}")
    relationships = next((compiled / "intermediate" / "int_operations" / "_int_operations__models.yml").glob(
        "relationships_int_jobs_enriche*.sql")).read_text()
    assert "_dbt_loaded_at" not in relationships and "(not is_deleted)" in relationships
    unique = (compiled / "marts" / "core" / "_core__models.yml" / "unique_fct_jobs_job_id__last_run.sql").read_text()
    assert "_dbt_loaded_at" not in unique and " in (" not in unique and "group by unique_field" in unique


def test_after_a_full_build_a_uniqueness_test_groups_the_table_without_a_semi_join(
        built: Warehouse, tmp_path: Path) -> None:
    """A full build's run wrote every key, so checking the written keys against the whole table is
    a plain group-by, which is cheaper; once an incremental run has written some rows, it is scoped."""
    wh = Warehouse(tmp_path)
    shutil.copytree(built.root / "warehouse", wh.root / "warehouse")
    unique_sql = (wh.root / "target" / "compiled" / "dbt_fieldforce" / "models" / "marts" / "core"
                  / "_core__models.yml" / "unique_fct_jobs_job_id__last_run.sql")

    wh.dbt("compile", "--select", "fct_jobs")
    assert " in (" not in unique_sql.read_text() and "group by unique_field" in unique_sql.read_text()

    with duckdb.connect(str(wh.analytics_path)) as con:
        con.execute("update main_core.fct_jobs set _dbt_loaded_at = _dbt_loaded_at - interval 1 day "
                    "where job_id = (select min(job_id) from main_core.fct_jobs)")
    wh.dbt("compile", "--select", "fct_jobs")
    assert 'from "analytics"."main_core"."fct_jobs"\n    where (job_id) in (' in unique_sql.read_text()


def test_full_tests_must_be_a_boolean(synced: Warehouse) -> None:
    result = synced.dbt("test", "--select", "fct_jobs", "--vars", "{full_tests: sometimes}", check=False)
    assert result.returncode != 0
    assert "var full_tests must be true or false, not 'sometimes'" in result.stdout
