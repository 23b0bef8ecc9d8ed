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

This module only orders the batch: the business events every source records, then each source's
own changes (`land_sync`, `land_deletes`, `land_changes_alone` in postgres.py, quickbooks.py, ...),
the deletions that cascade across them, a table re-synced whole. What a batch is and how a row is
landed (stamped, deduplicated, soft-deleted) is batch.py's.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb

from tools import paths
from tools.duckdb_file import damaged_error, no_raw_data_error, trim_unused_tail
from tools.errors import ToolError
from tools.rawgen import facts, postgres, quickbooks, salesforce, servicetitan, sheets, state, telematics
from tools.rawgen.batch import Batch, Known, Lander, latest_sql, scalar
from tools.rawgen.context import HISTORY_DAYS, Context, Volumes
from tools.rawgen.database import connect, memory_limit

Progress = Callable[[str], None] | None

LATE_SHARE = 0.1  # of new jobs: booked days ago, landing only now
# Small tables Fivetran re-syncs in turn, one per batch: every row written again.
RESYNCED_TABLES = ("fivetran_servicetitan.technician", "fivetran_postgres.service_types",
                   "fivetran_quickbooks.customer", "fivetran_salesforce.account")


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


def _land_batch(con: duckdb.DuckDBPyConnection, lander: Lander, ctx: Context, batch: Batch,
                add_column: bool) -> None:
    """The batch in the order a sync lands it: each source's new and changed rows, the deletions
    cascading across sources, the changes that touch one row alone, the streams and the sheet."""
    facts.create_regions(con)
    facts.create_service_types(con, ctx.seed)
    known = _known(con, ctx, batch, add_column)
    _business_events(lander, ctx, batch, known)
    postgres.land_sync(lander, ctx, batch, known)
    quickbooks.land_sync(lander, ctx, batch)
    servicetitan.land_sync(lander, ctx, batch)
    salesforce.land_sync(lander, ctx, batch)
    _deletions(lander, batch)
    for source in (postgres, quickbooks, servicetitan, salesforce):
        source.land_deletes(lander, batch)
    # what incremental models must follow by themselves: changes touching one row alone
    postgres.land_changes_alone(lander, batch, known)
    servicetitan.land_changes_alone(lander, batch)
    _resync(lander, batch)
    telematics.land_sync(lander, ctx, batch, known)
    sheets.land_sync(lander, ctx, batch)


def _known(con: duckdb.DuckDBPyConnection, ctx: Context, batch: Batch, add_column: bool) -> Known:
    if add_column:
        schema, table, column = postgres.NEW_COLUMN
        con.execute(f"alter table {schema}.{table} add column if not exists {column} varchar")
    has_new_column = scalar(
        con,
        f"select count(*) from information_schema.columns where table_schema = '{postgres.NEW_COLUMN[0]}' "
        f"and table_name = '{postgres.NEW_COLUMN[1]}' and column_name = '{postgres.NEW_COLUMN[2]}'",
    ) > 0
    return Known(
        max_customer=scalar(con, "select max(id) from fivetran_postgres.customers"),
        max_job=scalar(con, "select max(id) from fivetran_postgres.jobs"),
        technicians=scalar(con, "select max(id) from fivetran_postgres.technicians"),
        new_customers=batch.per_day(ctx.volumes.customers / (HISTORY_DAYS + 365)),
        has_new_column=has_new_column,
    )


def _business_events(lander: Lander, ctx: Context, batch: Batch, known: Known) -> None:
    """What happened in the business since the last sync, which every source then records its way:
    new customers, new jobs (some booked days ago), open jobs moving on."""
    gs, t = ctx.seed, batch.as_of_sql
    span_seconds = int(batch.span_hours * 3600)
    v = ctx.volumes
    max_customer, max_job, technicians, new_customers = (known.max_customer, known.max_job, known.technicians,
                                                         known.new_customers)
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



def _deletions(lander: Lander, batch: Batch) -> None:
    """The customers and jobs the batch deletes, which each source then deletes its way
    (deleted_customers, deleted_jobs): soft deletes that cascade as the sources' keys do."""
    b = batch.seed
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


def _resync(lander: Lander, batch: Batch) -> None:
    """A small table re-synced whole: it supersedes what this sync wrote to it before, every key once."""
    b = batch.seed
    resynced = RESYNCED_TABLES[b % len(RESYNCED_TABLES)]
    lander.temp("resynced", f"""select * replace (cast({batch.stamp('id')} as timestamptz) as _fivetran_synced)
                               from ({latest_sql(resynced, 'id')})""")
    previous = f"timestamptz '{batch.previous:%Y-%m-%d %H:%M:%S}+00'"
    lander.con.execute(f"delete from {resynced} where _fivetran_synced > {previous}")
    lander.land(resynced, "select * from resynced", "re-synced whole")
