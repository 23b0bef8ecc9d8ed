"""`tools sync`: land the next Fivetran sync on top of the local raw data.

A batch carries what a real sync brings: new rows, new versions of existing rows (jobs moving
from scheduled to completed, invoices getting paid, deals closing), soft deletes that cascade as
the source's foreign keys do, late-arriving rows whose business timestamps lie days back, the
duplicate deliveries of retried webhooks, a full re-import of the Google Sheet, and optionally a
new column (schema drift). Every row it lands carries a `_fivetran_synced` just before the
sync's time, as Fivetran stamps rows with the sync that wrote them.

Entity properties (a job's timeline, a customer's region) come from the generation seed kept in
the raw database, so the same jobs move forward consistently; the batch seed only decides which
rows the batch touches. The whole batch is one transaction: it lands entirely or not at all.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb

from tools import paths
from tools.duckdb_file import damaged_error, no_raw_data_error, trim_unused_tail
from tools.errors import ToolError
from tools.rawgen import facts, postgres, quickbooks, salesforce, servicetitan, sheets, state, telematics
from tools.rawgen.context import HISTORY_DAYS, Context, Volumes, quickbooks_customer_id
from tools.rawgen.database import connect, memory_limit

Progress = Callable[[str], None] | None

LATE_SHARE = 0.1  # of new jobs: booked days ago, landing only now
NEW_COLUMN = ("fivetran_postgres", "jobs", "job_source")


@dataclass(frozen=True)
class Batch:
    """The batch's own knobs: its seed, its time, and the jitter its sync stamps may take."""

    seed: int
    as_of: datetime
    previous: datetime
    span_hours: float

    @property
    def as_of_sql(self) -> str:
        return f"timestamp '{self.as_of:%Y-%m-%d %H:%M:%S}'"

    @property
    def jitter_seconds(self) -> int:
        return int(max(0, min(600, (self.as_of - self.previous).total_seconds() / 2 - 2)))

    def per_day(self, daily: float) -> int:
        return max(1, round(daily * self.span_hours / 24))

    def sample(self, key: str, salt: str, share: float) -> str:
        """A SQL predicate picking about `share` of the rows, the same rows for the same batch seed."""
        return f"u({self.seed}, {key}, '{salt}') < {share}"

    def stamp(self, key: str, final: bool = False) -> str:
        """The sync time a row lands with: a little before the batch's time, per key.

        A key the batch both changes and deletes (a job that moved on, then was deleted) lands
        twice; the deletion (`final`) is stamped one second later, so the latest version is
        never a tie, as it never is in a real Fivetran destination.
        """
        offset = 0 if final else 1
        return f"{self.as_of_sql} - secs({offset} + ui({self.seed}, hash({key}), 'jit', 0, {self.jitter_seconds}))"


def latest_sql(table: str, key: str) -> str:
    return f"""
        select * from {table}
        qualify row_number() over (partition by {key} order by _fivetran_synced desc) = 1
    """


def landed_now(batch: Batch, select_sql: str, key: str) -> str:
    """The rows of `select_sql` as this sync lands them: the latest version per key, stamped now."""
    return f"""
        select * replace (cast({batch.stamp(key)} as timestamptz) as _fivetran_synced)
        from ({select_sql}) as rows
        qualify row_number() over (partition by {key} order by _fivetran_synced desc) = 1
    """


def soft_deleted(batch: Batch, table: str, key: str, where: str, flag: str = "_fivetran_deleted") -> str:
    """New versions of the live rows matching `where`, flagged deleted."""
    return f"""
        select * replace (true as {flag}, cast({batch.stamp(key, final=True)} as timestamptz) as _fivetran_synced)
        from ({latest_sql(table, key)}) as live
        where not coalesce({flag}, false) and ({where})
    """


class Lander:
    """Runs the batch's inserts in order, counting and reporting the rows each one lands."""

    def __init__(self, con: duckdb.DuckDBPyConnection, say: Callable[[str], None]) -> None:
        self.con = con
        self.say = say
        self.counts: dict[str, int] = {}

    def temp(self, name: str, select_sql: str) -> None:
        self.con.execute(f"create or replace temp table {name} as {select_sql}")

    def land(self, table: str, select_sql: str, what: str) -> None:
        started = time.perf_counter()
        before = self._count(table)
        self.con.execute(f"insert into {table} by name {select_sql}")
        landed = self._count(table) - before
        self.counts[table] = self.counts.get(table, 0) + landed
        self.say(f"  {table:<38} {what:<28} {landed:>10,} rows {time.perf_counter() - started:6.2f}s")

    def _count(self, table: str) -> int:
        (rows,) = self.con.execute(f"select count(*) from {table}").fetchone()  # type: ignore[misc]
        return int(rows)


# A Fivetran connector paused for longer re-syncs its tables whole; a catch-up batch across years
# would grow the raw file without bound (and land nothing a real sync would).
MAX_SYNC_GAP = timedelta(days=31)


def sync_batch(
    seed: int,
    as_of: datetime | None = None,
    span_hours: float = 24.0,
    add_column: bool = False,
    progress: Progress = None,
    project_dir: Path | None = None,
) -> dict[str, int]:
    """Land one sync batch into the project's raw database; returns the rows landed per table."""
    say = progress or (lambda _msg: None)
    memory_limit(os.environ.get("FIELDFORCE_DUCKDB_MEMORY"))  # a bad setting fails before any work
    raw = paths.raw_database_path(project_dir)
    if not raw.exists():
        raise no_raw_data_error(raw)
    con = connect(raw)
    try:
        reclaimed = trim_unused_tail(con, raw)
        if reclaimed:
            say(f"gave back {reclaimed / 1e6:,.0f} MB an interrupted write left in {raw}")
        landing = state.read(con)
        if landing is None:
            raise ToolError(f"{raw} was not made by `tools generate-raw` (no {state.SCHEMA}.state): regenerate it")
        as_of = as_of or datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
        if as_of <= landing.landed_until:
            raise ToolError(
                f"the last landing reached {landing.landed_until:%Y-%m-%d %H:%M:%S} UTC; "
                f"a sync needs a later --as-of than that (got {as_of:%Y-%m-%d %H:%M:%S})"
            )
        if as_of - landing.landed_until > MAX_SYNC_GAP:
            raise ToolError(
                f"--as-of {as_of:%Y-%m-%d %H:%M:%S} is {(as_of - landing.landed_until).days} days after the last "
                f"landing ({landing.landed_until:%Y-%m-%d %H:%M:%S} UTC); a sync catches up at most "
                f"{MAX_SYNC_GAP.days} days: give an earlier --as-of, or land afresh with `tools generate-raw`"
            )
        batch = Batch(seed=seed, as_of=as_of, previous=landing.landed_until, span_hours=span_hours)
        ctx = Context(seed=landing.seed, scale=landing.scale, as_of=as_of,
                      volumes=Volumes.for_scale(landing.scale), gps_days=landing.gps_days)
        say(f"syncing batch {seed}: {landing.landed_until:%Y-%m-%d %H:%M} -> {as_of:%Y-%m-%d %H:%M} UTC "
            f"({span_hours:g} h of activity) into {raw}")
        started = time.perf_counter()
        con.execute("begin transaction")
        lander = Lander(con, say)
        _land_batch(con, lander, ctx, batch, add_column)
        state.write(con, state.LandingState(landing.seed, landing.scale, landing.gps_days, as_of,
                                            landing.batches + 1, landing.generation_id))
        con.execute("commit")
        total = sum(lander.counts.values())
        say(f"done: {total:,} rows in {time.perf_counter() - started:.1f}s")
        return lander.counts
    except BaseException as exc:
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        if isinstance(exc, duckdb.IOException) and "could not read" in str(exc).lower():
            raise damaged_error(raw, exc) from None  # a file cut short past where open_duckdb looks
        raise
    finally:
        con.close()


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    (value,) = con.execute(sql).fetchone()  # type: ignore[misc]
    return int(value or 0)


def _land_batch(con: duckdb.DuckDBPyConnection, lander: Lander, ctx: Context, batch: Batch,
                add_column: bool) -> None:
    gs, b, t = ctx.seed, batch.seed, batch.as_of_sql
    span_seconds = int(batch.span_hours * 3600)
    v = ctx.volumes

    facts.create_regions(con)
    facts.create_service_types(con, gs)
    max_customer = _scalar(con, "select max(id) from fivetran_postgres.customers")
    max_job = _scalar(con, "select max(id) from fivetran_postgres.jobs")
    technicians = _scalar(con, "select max(id) from fivetran_postgres.technicians")

    if add_column:
        schema, table, column = NEW_COLUMN
        con.execute(f"alter table {schema}.{table} add column if not exists {column} varchar")
    has_new_column = _scalar(
        con,
        f"select count(*) from information_schema.columns where table_schema = '{NEW_COLUMN[0]}' "
        f"and table_name = '{NEW_COLUMN[1]}' and column_name = '{NEW_COLUMN[2]}'",
    ) > 0

    # --- what changed in the source systems -----------------------------------------------
    new_customers = batch.per_day(v.customers / (HISTORY_DAYS + 365))
    lander.temp("customer_facts", facts.customer_facts_sql(gs, max_customer + 1, new_customers, t, span_seconds))
    new_jobs = batch.per_day(v.jobs / HISTORY_DAYS)
    lander.temp(
        "new_job_facts",
        f"""select * from ({facts.job_facts_sql(gs, max_job + 1, new_jobs, t, span_seconds,
                                                  max_customer + new_customers, technicians, t, LATE_SHARE)})
            where customer_id not in (select id from fivetran_postgres.customers where _fivetran_deleted)
              and customer_id not in (select id from customer_facts where is_deleted)""",
    )
    # open jobs move on: dispatched, started, completed as time passes
    lander.temp(
        "progressed_job_facts",
        f"""
        with open_jobs as (
            select j.*, st.estimated_duration_minutes, st.base_price_cents
            from ({latest_sql('fivetran_postgres.jobs', 'id')}) as j
            inner join service_type_facts as st on j.service_type_id = st.id
            where j.status in ('scheduled', 'dispatched', 'in_progress') and not j._fivetran_deleted
        ),

        moved as (
            select
                *,
                job_status_at({gs}, id, scheduled_at, estimated_duration_minutes, {t}) as new_status,
                job_started_at({gs}, id, scheduled_at) as planned_start,
                job_completed_at({gs}, id, scheduled_at, estimated_duration_minutes) as planned_end
            from open_jobs
        )

        select
            id, customer_id, technician_id, service_type_id,
            ui({gs}, customer_id, 'region', 1, 8) as region_id,
            new_status as status,
            priority, created_at, scheduled_at,
            case when new_status in ('in_progress', 'completed') then planned_start end as started_at,
            case when new_status = 'completed' then planned_end end as completed_at,
            total_amount_cents,
            base_price_cents as estimate_cents,
            least({t}, case new_status when 'completed' then planned_end when 'in_progress' then planned_start
                else scheduled_at end) as updated_at,
            false as is_deleted
        from moved
        where new_status <> status
        """,
    )
    lander.temp("job_facts", "select * from new_job_facts union all by name select * from progressed_job_facts")

    # --- postgres ---------------------------------------------------------------------------
    lander.land("fivetran_postgres.customers", landed_now(batch, postgres.customers_sql(ctx), "id"), "new customers")
    lander.land(
        "fivetran_postgres.customers",
        f"""select * replace (phone({b}, id, 'new_phone') as phone, {t} - secs(3600) as updated_at,
                              cast({batch.stamp('id')} as timestamptz) as _fivetran_synced)
            from ({latest_sql('fivetran_postgres.customers', 'id')})
            -- customers of earlier landings: a new customer's latest state is the one just landed
            where not _fivetran_deleted and id <= {max_customer}
              and {batch.sample('id', 'cupd', 0.002 * batch.span_hours / 24)}""",
        "changed phone numbers",
    )
    lander.land(
        "fivetran_postgres.technicians",
        f"""select * replace (hourly_rate_cents + 100 as hourly_rate_cents, {t} - secs(7200) as updated_at,
                              cast({batch.stamp('id')} as timestamptz) as _fivetran_synced)
            from ({latest_sql('fivetran_postgres.technicians', 'id')})
            where id = 1 + {b} % {technicians}""",
        "pay rise",
    )
    jobs_sql = postgres.jobs_sql(ctx)
    if has_new_column:
        jobs_sql = (f"select *, case when id > {max_job} then pick(['web', 'phone', 'app'], {gs}, id, 'src') end "
                    f"as {NEW_COLUMN[2]} from ({jobs_sql})")
    lander.land("fivetran_postgres.jobs", landed_now(batch, jobs_sql, "id"), "new and progressed jobs")
    lander.land("fivetran_postgres.job_line_items",
                landed_now(batch, postgres.job_line_items_sql(ctx, "new_job_facts"), "id"), "lines of new jobs")

    # --- quickbooks: invoices of newly completed jobs, payments of open invoices ----------------
    lander.land("fivetran_quickbooks.customer", landed_now(batch, quickbooks.customer_sql(ctx), "id"),
                "new customers")
    lander.temp(
        "paid_invoices",
        f"""
        select * from (
            select *, paid_at({gs}, cast(replace(doc_number, 'FF-', '') as bigint), created_at) as paid_at
            from ({latest_sql('fivetran_quickbooks.invoice', 'id')})
            where balance > 0 and not _fivetran_deleted
        )
        where paid_at <= {t}
        """,
    )
    lander.land(
        "fivetran_quickbooks.invoice",
        f"""select * exclude (paid_at) replace (0 as balance, paid_at as updated_at,
                                              cast({batch.stamp('id')} as timestamptz) as _fivetran_synced)
            from paid_invoices""",
        "invoices paid",
    )
    lander.land(
        "fivetran_quickbooks.payment",
        f"""select
                cast({quickbooks.PAYMENT_ID_OFFSET} + cast(replace(doc_number, 'FF-', '') as bigint) as varchar) as id,
                customer_id, total_amount, cast(paid_at as date) as transaction_date,
                paid_at as created_at, paid_at as updated_at, false as _fivetran_deleted,
                cast({batch.stamp('id')} as timestamptz) as _fivetran_synced
            from paid_invoices""",
        "payments of those",
    )
    lander.temp("invoice_facts", quickbooks.invoice_facts_sql(ctx))
    lander.land("fivetran_quickbooks.invoice", landed_now(batch, quickbooks.invoice_sql(ctx), "id"),
                "invoices of completed jobs")
    lander.land("fivetran_quickbooks.invoice_line",
                landed_now(batch, quickbooks.invoice_line_sql(ctx), "invoice_id, index"), "their lines")
    lander.land("fivetran_quickbooks.payment", landed_now(batch, quickbooks.payment_sql(ctx), "id"),
                "paid on the spot")

    # --- servicetitan ------------------------------------------------------------------------
    lander.land("fivetran_servicetitan.job", landed_now(batch, servicetitan.job_sql(ctx), "id"), "new and moved jobs")
    lander.land("fivetran_servicetitan.appointment",
                landed_now(batch, servicetitan.appointment_sql(ctx), "id"), "their appointments")
    lander.land("fivetran_servicetitan.invoice", landed_now(batch, servicetitan.invoice_sql(ctx), "id"),
                "invoices of completed jobs")

    # --- salesforce: new accounts, deals closing, cases closing ---------------------------------
    lander.temp("account_facts", salesforce.accounts_facts_sql(ctx, prospects=0, first_prospect=0))
    lander.land("fivetran_salesforce.account", landed_now(batch, salesforce.account_sql(ctx), "id"), "new accounts")
    lander.land("fivetran_salesforce.contact", landed_now(batch, salesforce.contact_sql(ctx), "id"), "their contacts")
    lander.land(
        "fivetran_salesforce.opportunity",
        f"""select * replace ('Closed Won' as stage_name, true as is_closed, true as is_won, 100 as probability,
                              {t} - secs(1800) as last_modified_date, {t} - secs(1800) as system_modstamp,
                              cast({batch.stamp('id')} as timestamptz) as _fivetran_synced)
            from ({latest_sql('fivetran_salesforce.opportunity', 'id')})
            where not is_closed and not is_deleted and {batch.sample('hash(id)', 'won', 0.2)}""",
        "deals won",
    )
    lander.land(
        "fivetran_salesforce.case",
        f"""select * replace ('Closed' as status, true as is_closed, {t} - secs(900) as closed_date,
                              {t} - secs(900) as last_modified_date, {t} - secs(900) as system_modstamp,
                              cast({batch.stamp('id')} as timestamptz) as _fivetran_synced)
            from ({latest_sql('fivetran_salesforce.case', 'id')})
            where not is_closed and not is_deleted and {batch.sample('hash(id)', 'closed', 0.3)}""",
        "cases closed",
    )

    # --- soft deletes, cascading as the source's foreign keys do --------------------------------
    lander.temp(
        "deleted_customers",
        f"""select id from ({latest_sql('fivetran_postgres.customers', 'id')})
            where not _fivetran_deleted and {batch.sample('id', 'cdel', 0.0005 * batch.span_hours / 24)}""",
    )
    lander.temp(
        "deleted_jobs",
        f"""with live as (
                select id, customer_id from ({latest_sql('fivetran_postgres.jobs', 'id')}) where not _fivetran_deleted
            )
            select id from live
            where {batch.sample('id', 'jdel', 0.0002 * batch.span_hours / 24)}
               or customer_id in (select id from deleted_customers)
               -- and one job whatever the sample: a small landing sees a delete in every batch too
               or id = (select arg_min(id, hash(id, {b})) from live)""",
    )
    job_ids = "select id from deleted_jobs"
    lander.land("fivetran_postgres.customers",
                soft_deleted(batch, "fivetran_postgres.customers", "id", "id in (select id from deleted_customers)"),
                "deleted customers")
    lander.land("fivetran_postgres.jobs", soft_deleted(batch, "fivetran_postgres.jobs", "id", f"id in ({job_ids})"),
                "deleted jobs")
    lander.land("fivetran_postgres.job_line_items",
                soft_deleted(batch, "fivetran_postgres.job_line_items", "id", f"job_id in ({job_ids})"),
                "lines of deleted jobs")
    lander.land("fivetran_quickbooks.customer",
                soft_deleted(batch, "fivetran_quickbooks.customer", "id",
                             f"id in (select {quickbooks_customer_id('id')} from deleted_customers)"),
                "deleted customers")
    voided = "select 'FF-' || cast(id as varchar) from deleted_jobs"
    lander.land("fivetran_quickbooks.invoice",
                soft_deleted(batch, "fivetran_quickbooks.invoice", "id", f"doc_number in ({voided})"),
                "voided invoices")
    lander.land("fivetran_quickbooks.invoice_line",
                soft_deleted(batch, "fivetran_quickbooks.invoice_line", "invoice_id, index",
                             f"invoice_id in (select cast({quickbooks.INVOICE_ID_OFFSET} + id as varchar) "
                             f"from deleted_jobs)"),
                "their lines")
    lander.land("fivetran_quickbooks.payment",
                soft_deleted(batch, "fivetran_quickbooks.payment", "id",
                             f"id in (select cast({quickbooks.PAYMENT_ID_OFFSET} + id as varchar) from deleted_jobs)"),
                "their payments")
    for table, offset in (("job", servicetitan.JOB_ID_OFFSET), ("appointment", servicetitan.APPOINTMENT_ID_OFFSET),
                          ("invoice", servicetitan.INVOICE_ID_OFFSET)):
        lander.land(f"fivetran_servicetitan.{table}",
                    soft_deleted(batch, f"fivetran_servicetitan.{table}", "id",
                                 f"id in (select {offset} + id from deleted_jobs)"),
                    "of deleted jobs")
    lander.land("fivetran_salesforce.account",
                soft_deleted(batch, "fivetran_salesforce.account", "id",
                             "external_customer_id_c in (select cast(id as varchar) from deleted_customers)",
                             flag="is_deleted"),
                "deleted customers")

    # --- changes on their own, not cascading: what incremental models must follow by themselves --
    _land_changes_alone(con, lander, batch, max_job)

    # --- telematics: pings since the last landing, late uploads, retried deliveries ------------
    last = f"timestamp '{batch.previous:%Y-%m-%d %H:%M:%S}'"
    days = math.ceil((batch.as_of - batch.previous).total_seconds() / 86400) + 1
    first_day = f"date_trunc('day', {last})"
    lander.land("fivetran_telematics.gps_events",
                telematics.deliveries_sql(ctx, telematics.Window(first_day, days, t, not_before=last)),
                "pings since the last sync")
    late_day = f"date_trunc('day', {t}) - secs({1 + b % 3} * 86400)"
    late = telematics.pings_sql(ctx, telematics.Window(
        late_day, 1, t, shift_start_hour=0, max_pings=max(1, ctx.pings_per_technician_day // 12),
        technician_filter=f"(technician_id = {1 + b % technicians} or (technician_id + {b}) % 10 = 0)"))
    lander.land(
        "fivetran_telematics.gps_events",
        f"""select * replace (_fivetran_id || '-late' as _fivetran_id,
                              cast({batch.stamp('event_id')} as timestamptz) as _fivetran_synced)
            from ({late}) as late
            where event_id not in (select event_id from fivetran_telematics.gps_events)""",
        "late uploads (overtime)",
    )

    # --- sheets: finance edited the sheet, so Fivetran re-imports all of it ----------------------
    lander.land("fivetran_sheets.revenue_targets",
                sheets.revenue_targets_sql(ctx, synced_at=f"cast({batch.stamp('0')} as timestamptz)", revision=b),
                "full re-import")


# Small tables Fivetran re-syncs in turn, one per batch: every row written again.
RESYNCED_TABLES = ("fivetran_servicetitan.technician", "fivetran_postgres.service_types",
                   "fivetran_quickbooks.customer", "fivetran_salesforce.account")


def _not_yet_written(batch: Batch, table: str, key: str) -> str:
    """Keys this batch has not landed a version of yet: one version of a key per sync."""
    previous = f"timestamptz '{batch.previous:%Y-%m-%d %H:%M:%S}+00'"
    return f"({key}) not in (select {key} from {table} where _fivetran_synced > {previous})"


def _some(batch: Batch, table: str, salt: str, share: float) -> str:
    """About `share` of the table's keys, and one key whatever the share: a small landing sees
    every kind of change in every batch too."""
    return (f"({batch.sample('id', salt, share)} "
            f"or id = (select arg_min(id, hash(id, {batch.seed}, '{salt}')) from {table}))")


def _land_changes_alone(con: duckdb.DuckDBPyConnection, lander: Lander, batch: Batch, max_job: int) -> None:
    """Changes that touch one row and nothing it refers to or that refers to it.

    Lines removed from a job or moved to another, appointments cancelled, a service type retired
    (and the one retired the batch before sold again) and another re-timed, customers moving to
    another region, and a small table re-synced whole. Real sources do all of these; a model that only
    follows a job's own row would miss every one.
    """
    b = batch.seed
    day = batch.span_hours / 24
    lines = "fivetran_postgres.job_line_items"
    lander.land(
        lines,
        soft_deleted(batch, lines, "id",
                     f"{_not_yet_written(batch, lines, 'id')} and {_some(batch, lines, 'ldel', 0.0005 * day)}"),
        "lines removed from their job",
    )
    lander.land(
        lines,
        f"""select * replace (least({max_job}, job_id + 1 + {b} % 7) as job_id,
                              {batch.as_of_sql} - secs(600) as updated_at,
                              cast({batch.stamp('id')} as timestamptz) as _fivetran_synced)
            from ({latest_sql(lines, 'id')})
            where not _fivetran_deleted and {_not_yet_written(batch, lines, 'id')}
              and {_some(batch, lines, 'lmove', 0.0002 * day)}""",
        "lines moved to another job",
    )
    appointments = "fivetran_servicetitan.appointment"
    lander.land(
        appointments,
        soft_deleted(batch, appointments, "id",
                     f"{_not_yet_written(batch, appointments, 'id')} and "
                     f"{_some(batch, appointments, 'acancel', 0.001 * day)}"),
        "appointments cancelled",
    )
    # the catalogue: one service stops being sold, the one retired the batch before is sold again,
    # and one has its planned time on site revised (what every job of that service shows)
    service_types = "fivetran_postgres.service_types"
    count = _scalar(con, f"select count(distinct id) from {service_types}")
    retired, restored, revised = 1 + b % count, 1 + (b - 1) % count, 1 + (b + count // 2) % count
    lander.land(
        service_types,
        f"""select * replace (id <> {retired} as is_active,
                              case when id = {revised} then estimated_duration_minutes + {15 if b % 2 else -15}
                                   else estimated_duration_minutes end as estimated_duration_minutes,
                              {batch.as_of_sql} - secs(7200) as updated_at,
                              cast({batch.stamp('id')} as timestamptz) as _fivetran_synced)
            from ({latest_sql(service_types, 'id')})
            where not _fivetran_deleted and id in ({retired}, {restored}, {revised})""",
        "retired, back, re-timed",
    )
    customers = "fivetran_postgres.customers"
    lander.land(
        customers,
        f"""select * replace (1 + region_id % 8 as region_id, {batch.as_of_sql} - secs(5400) as updated_at,
                              cast({batch.stamp('id')} as timestamptz) as _fivetran_synced)
            from ({latest_sql(customers, 'id')})
            where not _fivetran_deleted and {_not_yet_written(batch, customers, 'id')}
              and {_some(batch, customers, 'cmove', 0.001 * day)}""",
        "customers moving region",
    )
    # a re-sync supersedes what this sync wrote to the table before it: every key once, again
    resynced = RESYNCED_TABLES[b % len(RESYNCED_TABLES)]
    lander.temp("resynced", f"""select * replace (cast({batch.stamp('id')} as timestamptz) as _fivetran_synced)
                               from ({latest_sql(resynced, 'id')})""")
    con.execute(f"delete from {resynced} where _fivetran_synced > timestamptz '{batch.previous:%Y-%m-%d %H:%M:%S}+00'")
    lander.land(resynced, "select * from resynced", "re-synced whole")
