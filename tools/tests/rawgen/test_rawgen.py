"""The raw-data generator: Fivetran's shape, determinism, cross-source consistency, sync batches."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tools.errors import ToolError
from tools.rawgen import facts, sqlkit
from tools.rawgen.context import REGION_COUNT, Context, Volumes
from tools.rawgen.database import memory_limit
from tools.rawgen.generate import all_tables, generate_raw
from tools.tests.conftest import AS_OF, Warehouse
from tools.tests.raw_helpers import checksums

SCALE = 0.001

SOFT_DELETE_TABLES = [
    "fivetran_postgres.customers", "fivetran_postgres.technicians", "fivetran_postgres.service_types",
    "fivetran_postgres.jobs", "fivetran_postgres.job_line_items", "fivetran_quickbooks.customer",
    "fivetran_quickbooks.invoice", "fivetran_quickbooks.invoice_line", "fivetran_quickbooks.payment",
    "fivetran_servicetitan.technician", "fivetran_servicetitan.job", "fivetran_servicetitan.appointment",
    "fivetran_servicetitan.invoice",
]
SALESFORCE_TABLES = ["fivetran_salesforce.account", "fivetran_salesforce.contact",
                     "fivetran_salesforce.opportunity", 'fivetran_salesforce."case"']


def columns(path: Path) -> dict[str, dict[str, str]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            "select table_schema || '.' || table_name, column_name, data_type from information_schema.columns "
            "where table_schema like 'fivetran_%'"
        ).fetchall()
    finally:
        con.close()
    result: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        result.setdefault(table.replace(".case", '."case"'), {})[column] = data_type
    return result


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("raw") / "analytics_raw.duckdb"
    generate_raw(scale=SCALE, seed=11, as_of=AS_OF, target=target)
    return target


def test_volumes_at_scale_one_are_the_sdd_volumes() -> None:
    v = Volumes.for_scale(1)
    assert (v.jobs, v.customers, v.technicians, v.gps_events_per_day) == (10_000_000, 500_000, 2_000, 50_000_000)
    half = Volumes.for_scale(0.5)
    assert (half.jobs, half.customers) == (5_000_000, 250_000)


def test_every_source_and_table_of_the_sdd_is_landed(landed: Path) -> None:
    tables = set(checksums(landed))
    assert {
        "fivetran_postgres.jobs", "fivetran_postgres.job_line_items", "fivetran_postgres.technicians",
        "fivetran_postgres.customers", "fivetran_postgres.service_types",
        "fivetran_salesforce.account", "fivetran_salesforce.contact", "fivetran_salesforce.opportunity",
        "fivetran_salesforce.case",
        "fivetran_quickbooks.invoice", "fivetran_quickbooks.invoice_line", "fivetran_quickbooks.customer",
        "fivetran_quickbooks.payment",
        "fivetran_servicetitan.job", "fivetran_servicetitan.appointment", "fivetran_servicetitan.technician",
        "fivetran_servicetitan.invoice",
        "fivetran_telematics.gps_events", "fivetran_sheets.revenue_targets",
    } <= tables
    assert all(count > 0 for count, _ in checksums(landed).values())


def test_fivetran_system_columns(landed: Path) -> None:
    cols = columns(landed)
    for table, table_cols in cols.items():
        assert table_cols["_fivetran_synced"] == "TIMESTAMP WITH TIME ZONE", table
        assert all(name == name.lower() and " " not in name for name in table_cols), table
    for table in SOFT_DELETE_TABLES:
        assert cols[table]["_fivetran_deleted"] == "BOOLEAN", table
    for table in SALESFORCE_TABLES:
        assert "is_deleted" in cols[table] and "_fivetran_deleted" not in cols[table], table
    assert cols["fivetran_sheets.revenue_targets"]["_row"] == "BIGINT"
    assert "_fivetran_deleted" not in cols["fivetran_sheets.revenue_targets"]
    assert "_fivetran_id" in cols["fivetran_telematics.gps_events"]
    # money as the source keeps it: cents in Postgres, decimals in QuickBooks
    assert cols["fivetran_postgres.jobs"]["total_amount_cents"] == "BIGINT"
    assert cols["fivetran_quickbooks.invoice"]["total_amount"].startswith("DECIMAL")


def test_cdc_history_soft_deletes_and_retries_are_present(landed: Path) -> None:
    con = duckdb.connect(str(landed), read_only=True)
    try:
        versions, keys = con.execute("select count(*), count(distinct id) from fivetran_postgres.jobs").fetchone()
        assert versions > keys  # the same key lands several times
        changed = con.execute(
            "select count(*) from (select id from fivetran_postgres.jobs group by id "
            "having count(distinct status) > 1 and count(distinct _fivetran_synced) > 1)"
        ).fetchone()[0]
        assert changed > 0
        deleted = con.execute("select count(distinct id) from fivetran_postgres.jobs where _fivetran_deleted").fetchone()[0]
        assert 0 < deleted < keys * 0.05
        # Salesforce flags deletes in is_deleted: a deleted customer's account is deleted too
        live_accounts_of_deleted_customers = con.execute(
            """select count(*) from fivetran_salesforce.account a
               join fivetran_postgres.customers c on a.external_customer_id_c = cast(c.id as varchar)
               where c._fivetran_deleted and not a.is_deleted""").fetchone()[0]
        assert live_accounts_of_deleted_customers == 0
        events, distinct = con.execute(
            "select count(*), count(distinct event_id) from fivetran_telematics.gps_events").fetchone()
        assert events > distinct  # retried webhook deliveries
        # a deleted version is always the latest version of its key
        stale = con.execute(
            "select count(*) from (select id, bool_or(_fivetran_deleted) as ever_deleted, "
            "arg_max(_fivetran_deleted, _fivetran_synced) as deleted_now from fivetran_postgres.jobs group by id) "
            "where ever_deleted and not deleted_now"
        ).fetchone()[0]
        assert stale == 0
    finally:
        con.close()


def test_sources_are_referentially_consistent(landed: Path) -> None:
    con = duckdb.connect(str(landed), read_only=True)
    try:
        orphans = {
            "job -> customer": "select count(*) from fivetran_postgres.jobs j anti join fivetran_postgres.customers c "
                               "on j.customer_id = c.id",
            "job -> technician": "select count(*) from fivetran_postgres.jobs j anti join "
                                 "fivetran_postgres.technicians t on j.technician_id = t.id",
            "job -> service type": "select count(*) from fivetran_postgres.jobs j anti join "
                                   "fivetran_postgres.service_types s on j.service_type_id = s.id",
            "line -> job": "select count(*) from fivetran_postgres.job_line_items l anti join fivetran_postgres.jobs j "
                           "on l.job_id = j.id",
            "invoice -> job": "select count(*) from fivetran_quickbooks.invoice i anti join fivetran_postgres.jobs j "
                              "on i.doc_number = 'FF-' || cast(j.id as varchar)",
            "customer -> salesforce account": "select count(*) from fivetran_postgres.customers c anti join "
                                              "fivetran_salesforce.account a on c.salesforce_account_id = a.id "
                                              "where c.salesforce_account_id is not null",
            "account -> customer": "select count(*) from fivetran_salesforce.account a anti join "
                                   "fivetran_postgres.customers c on a.external_customer_id_c = cast(c.id as varchar) "
                                   "where a.external_customer_id_c is not null",
            "customer -> quickbooks customer": "select count(*) from fivetran_postgres.customers c anti join "
                                               "fivetran_quickbooks.customer q on c.quickbooks_customer_id = q.id",
            "servicetitan job -> job": "select count(*) from fivetran_servicetitan.job s anti join "
                                       "fivetran_postgres.jobs j on s.job_number = cast(j.id as varchar)",
            "servicetitan invoice -> servicetitan job": "select count(*) from fivetran_servicetitan.invoice i anti join "
                                                        "fivetran_servicetitan.job j on i.job_id = j.id",
        }
        found = {name: con.execute(sql).fetchone()[0] for name, sql in orphans.items()}
        assert found == {name: 0 for name in orphans}
        matched = con.execute(
            "select count(*) from fivetran_postgres.customers where salesforce_account_id is not null").fetchone()[0]
        assert matched > 0
        # the jobs of a deleted customer are deleted with it, as a foreign key cascade would
        live_jobs_of_deleted = con.execute(
            """select count(*) from
                 (select * from fivetran_postgres.jobs qualify row_number() over (partition by id
                  order by _fivetran_synced desc) = 1) j
               join (select * from fivetran_postgres.customers qualify row_number() over (partition by id
                  order by _fivetran_synced desc) = 1) c on j.customer_id = c.id
               where c._fivetran_deleted and not j._fivetran_deleted"""
        ).fetchone()[0]
        assert live_jobs_of_deleted == 0
        # invoice lines add up to the invoice
        mismatched = con.execute(
            """select count(*) from (select id, any_value(total_amount) as total from fivetran_quickbooks.invoice
               group by id) i join (select invoice_id, sum(amount) / 2 as total from (select distinct invoice_id,
               index, amount from fivetran_quickbooks.invoice_line) group by invoice_id) l on i.id = l.invoice_id
               where abs(i.total - 2 * l.total) > 0.001"""
        ).fetchone()[0]
        assert mismatched == 0
    finally:
        con.close()


def test_technicians_share_a_regions_jobs_of_a_day_evenly() -> None:
    """A draw per job gave some technicians a dozen jobs a day (32 h on site) and others none."""
    con = duckdb.connect()
    try:
        sqlkit.install(con)
        facts.create_regions(con)
        facts.create_service_types(con, 7)
        moment = "timestamp '2026-05-01 00:00:00'"
        technicians = 400
        # in two id ranges, as generate-raw writes the job facts
        jobs = " union all ".join(
            f"select * from ({facts.job_facts_sql(7, first, 100_000, moment, 30 * 86400, 5_000, technicians, moment)})"
            for first in (1, 100_001))
        worst, busiest, wrong_region, lowest, highest = con.execute(f"""
            with loads as (
                select region_id, cast(scheduled_at as date) as work_date, technician_id, count(*) as jobs
                from ({jobs}) group by all
            ),

            days as (
                select region_id, work_date, sum(jobs) as region_jobs, max(jobs) as busiest
                from loads group by all
            )

            select
                max(busiest - ceil(region_jobs / (({technicians} - region_id) // {REGION_COUNT} + 1))),
                max(busiest),
                (select count(*) from loads where (technician_id - region_id) % {REGION_COUNT} <> 0),
                (select min(technician_id) from loads),
                (select max(technician_id) from loads)
            from days
        """).fetchone()
    finally:
        con.close()
    assert wrong_region == 0  # a job goes to a technician of its customer's region
    assert (lowest, highest) == (1, technicians)  # every technician works, and only they do
    # no technician takes more than an even share of the region's day, plus one for the second range
    assert worst <= 1
    assert busiest >= 10  # the test's volumes give technicians a full day


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path, landed: Path) -> None:
    again = tmp_path / "again.duckdb"
    generate_raw(scale=SCALE, seed=11, as_of=AS_OF, target=again)
    assert checksums(again) == checksums(landed)
    other = tmp_path / "other.duckdb"
    generate_raw(scale=SCALE, seed=12, as_of=AS_OF, target=other)
    differing = [t for t, (_, digest) in checksums(other).items() if digest != checksums(landed)[t][1]]
    assert "fivetran_postgres.jobs" in differing


def test_scale_drives_volumes(tmp_path: Path) -> None:
    small = generate_raw(scale=0.0005, seed=1, as_of=AS_OF, target=tmp_path / "a.duckdb")
    bigger = generate_raw(scale=0.002, seed=1, as_of=AS_OF, target=tmp_path / "b.duckdb")
    jobs = "fivetran_postgres.jobs"
    assert 3.5 < bigger[jobs] / small[jobs] < 4.5


def test_every_generated_table_is_listed() -> None:
    ctx = Context(seed=1, scale=0.001, as_of=AS_OF, volumes=Volumes.for_scale(0.001))
    names = [f"{t.schema}.{t.name}" for t in all_tables(ctx)]
    assert len(names) == len(set(names)) == 19


# --- sync ------------------------------------------------------------------------------------


def _synced(wh: Warehouse, *extra: str) -> None:
    assert wh.tools("generate-raw", "--scale", str(SCALE), "--seed", "5", "--as-of", AS_OF.isoformat(),
                    "--quiet").returncode == 0
    result = wh.tools("sync", "--seed", "9", "--as-of", "2026-11-21T12:00:00", "--quiet", *extra)
    assert result.returncode == 0, result.stderr


def test_sync_lands_updates_deletes_late_rows_duplicates_and_drift(warehouse: Warehouse) -> None:
    _synced(warehouse, "--add-column")
    q = warehouse.raw_query
    since = "timestamp with time zone '2026-11-20 12:00:00+00'"
    # new versions of existing keys, with later syncs and changed values
    moved = q(f"""select count(*) from fivetran_postgres.jobs n join fivetran_postgres.jobs o using (id)
                  where n._fivetran_synced > {since} and o._fivetran_synced <= {since} and n.status <> o.status""")[0][0]
    assert moved > 0
    deletes = q(f"select count(*) from fivetran_postgres.jobs where _fivetran_synced > {since} and _fivetran_deleted")
    assert deletes[0][0] > 0
    paid = q(f"select count(*) from fivetran_quickbooks.invoice where _fivetran_synced > {since} and balance = 0 "
             "and created_at < timestamp '2026-11-19'")
    assert paid[0][0] > 0
    # late-arriving rows: landed now, business time days back
    late_jobs = q(f"select count(*) from fivetran_postgres.jobs where _fivetran_synced > {since} "
                  "and created_at < timestamp '2026-11-19 12:00:00'")
    assert late_jobs[0][0] > 0
    late_pings = q(f"select count(*) from fivetran_telematics.gps_events where _fivetran_synced > {since} "
                   "and event_at < timestamp '2026-11-20 12:00:00'")
    assert late_pings[0][0] > 0
    # every row of the batch is stamped with the sync's time, after the previous landing
    assert q(f"select min(_fivetran_synced) > {since}, max(_fivetran_synced) <= "
             "timestamp with time zone '2026-11-21 12:00:00+00' from fivetran_postgres.jobs "
             f"where _fivetran_synced > {since}")[0] == (True, True)
    # retried deliveries: the same event twice
    dupes = q(f"select count(*) from (select event_id from fivetran_telematics.gps_events "
              f"where _fivetran_synced > {since} group by event_id having count(*) > 1)")
    assert dupes[0][0] > 0
    # schema drift: a new column, filled for new rows only
    assert q("select count(job_source), count(*) > count(job_source) from fivetran_postgres.jobs")[0][0] > 0
    # the sheet is re-imported whole
    assert q("select count(distinct _fivetran_synced) from fivetran_sheets.revenue_targets")[0][0] == 2


def test_sync_lands_changes_that_stand_alone(warehouse: Warehouse) -> None:
    """What incremental models must follow without a change of the parent: lines removed from a
    live job or moved to another, appointments cancelled while their job stays, services retired
    and re-timed, customers moving region, a small table re-synced whole."""
    _synced(warehouse)
    q = warehouse.raw_query
    since = "timestamp with time zone '2026-11-20 12:00:00+00'"
    latest = "qualify row_number() over (partition by id order by _fivetran_synced desc) = 1"
    (removed,) = q(f"""select count(*) from (select * from fivetran_postgres.job_line_items {latest}) as l
                       where l._fivetran_deleted and l._fivetran_synced > {since}
                         and l.job_id in (select id from (select * from fivetran_postgres.jobs {latest})
                                          where not _fivetran_deleted)""")[0]
    assert removed > 0
    (moved,) = q(f"""select count(*) from fivetran_postgres.job_line_items n
                     join fivetran_postgres.job_line_items o using (id)
                     where n._fivetran_synced > {since} and o._fivetran_synced <= {since} and n.job_id <> o.job_id""")[0]
    assert moved > 0
    (cancelled,) = q(f"""select count(*) from (select * from fivetran_servicetitan.appointment {latest}) as a
                         join (select * from fivetran_servicetitan.job {latest}) as st on a.job_id = st.id
                         where a._fivetran_deleted and a._fivetran_synced > {since} and not st._fivetran_deleted""")[0]
    assert cancelled > 0
    changed_services = q(f"""select count(*) filter (where n.is_active <> o.is_active),
                                    count(*) filter (where n.estimated_duration_minutes <> o.estimated_duration_minutes)
                             from fivetran_postgres.service_types n join fivetran_postgres.service_types o using (id)
                             where n._fivetran_synced > {since} and o._fivetran_synced <= {since}""")[0]
    assert changed_services[0] > 0 and changed_services[1] > 0
    (moved_region,) = q(f"""select count(*) from fivetran_postgres.customers n join fivetran_postgres.customers o using (id)
                            where n._fivetran_synced > {since} and o._fivetran_synced <= {since}
                              and n.region_id <> o.region_id""")[0]
    assert moved_region > 0
    # the batch re-synced one small table: every key has a version of this sync
    resynced = [table for table in ("fivetran_servicetitan.technician", "fivetran_postgres.service_types",
                                    "fivetran_quickbooks.customer", "fivetran_salesforce.account")
                if q(f"select count(distinct id) = count(distinct id) filter (where _fivetran_synced > {since}) "
                     f"from {table}")[0][0]]
    assert len(resynced) == 1


def test_sync_is_deterministic(tmp_path: Path) -> None:
    first, second = Warehouse(tmp_path / "one"), Warehouse(tmp_path / "two")
    _synced(first)
    _synced(second)
    assert checksums(first.raw_path) == checksums(second.raw_path)


def test_sync_refuses_a_time_before_the_last_landing(warehouse: Warehouse) -> None:
    _synced(warehouse)
    before = checksums(warehouse.raw_path)
    result = warehouse.tools("sync", "--seed", "10", "--as-of", "2026-11-21T11:00:00")
    assert result.returncode == 1
    assert "needs a later --as-of" in result.stderr
    assert checksums(warehouse.raw_path) == before


def test_sync_without_raw_data_says_what_to_do(warehouse: Warehouse) -> None:
    result = warehouse.tools("sync", "--seed", "1")
    assert result.returncode == 1
    assert "run `tools generate-raw` first" in result.stderr


def test_bad_arguments_are_usage_errors(warehouse: Warehouse) -> None:
    assert warehouse.tools("generate-raw", "--scale", "0").returncode == 2
    assert warehouse.tools("generate-raw", "--as-of", "yesterday").returncode == 2
    assert warehouse.tools("sync").returncode == 2
    assert not warehouse.raw_path.exists()


@pytest.mark.parametrize("value", ["garbage", "1KB", "100MB", "", "6GB'; copy (select 1) to '/tmp/x.csv'; --",
                                   "6 GB; drop schema fivetran_postgres cascade", "-6GB", "nanGB"])
def test_a_bad_memory_setting_is_refused_before_any_work(warehouse: Warehouse, value: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """FIELDFORCE_DUCKDB_MEMORY goes into a `set memory_limit` statement: only a size gets there."""
    monkeypatch.setenv("FIELDFORCE_DUCKDB_MEMORY", value)
    for command in (["generate-raw", "--scale", "0.001", "--seed", "1", "--as-of", AS_OF.isoformat()],
                    ["sync", "--seed", "1"]):
        result = warehouse.tools(*command)
        assert result.returncode == 1, result.stderr
        assert result.stderr.strip().count("\n") == 0 and "FIELDFORCE_DUCKDB_MEMORY" in result.stderr
        assert not warehouse.raw_path.parent.exists() or not any(warehouse.raw_path.parent.iterdir())


def test_memory_sizes_are_normalised() -> None:
    assert memory_limit(None) == "6GB"
    assert memory_limit(" 512mb ") == "512MB"
    assert memory_limit("1.5GiB") == "1.5GIB"
    with pytest.raises(ToolError, match="at least 256MB"):
        memory_limit("255MiB")


def test_an_interrupted_generation_leaves_the_old_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "analytics_raw.duckdb"
    generate_raw(scale=SCALE, seed=1, as_of=AS_OF, target=target)
    before = checksums(target)

    def explode(_msg: str) -> None:
        if "fivetran_salesforce" in _msg:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate_raw(scale=SCALE, seed=2, as_of=AS_OF, target=target, progress=explode)
    assert checksums(target) == before
    assert not list(tmp_path.glob("*.building*"))


def test_a_sync_never_lands_two_versions_of_a_key_at_the_same_time(warehouse: Warehouse) -> None:
    """Ties would make 'the latest version' undefined: DuckDB and Snowflake could keep different rows.

    A week-long batch changes and deletes enough keys that some are both changed and deleted.
    """
    assert warehouse.tools("generate-raw", "--scale", "0.002", "--seed", "21", "--as-of", AS_OF.isoformat(),
                           "--quiet").returncode == 0
    result = warehouse.tools("sync", "--seed", "102", "--as-of", "2026-11-27T12:00:00", "--span-hours", "168",
                             "--quiet")
    assert result.returncode == 0, result.stderr
    for table in ["fivetran_postgres.jobs", "fivetran_postgres.customers", "fivetran_postgres.job_line_items",
                  "fivetran_quickbooks.invoice", "fivetran_servicetitan.job", "fivetran_salesforce.account"]:
        (ties,) = warehouse.raw_query(
            f"select count(*) from (select id, _fivetran_synced from (select distinct * from {table}) "
            "group by id, _fivetran_synced having count(*) > 1)")[0]
        assert ties == 0, table


def test_sync_refuses_to_catch_up_more_than_a_month(warehouse: Warehouse) -> None:
    """A sync years after the last landing would land years of activity (the raw file grew 32
    times before it was rolled back): refused before any work, the file untouched."""
    _synced(warehouse)
    before, size = checksums(warehouse.raw_path), warehouse.raw_path.stat().st_size
    result = warehouse.tools("sync", "--seed", "11", "--as-of", "2027-06-01T00:00:00")
    assert result.returncode == 1
    assert "a sync catches up at most 31 days" in result.stderr and result.stderr.count("\n") == 1
    assert checksums(warehouse.raw_path) == before and warehouse.raw_path.stat().st_size == size
