"""fivetran_postgres: the operational jobs database (CDC, soft deletes, money in cents)."""

from __future__ import annotations

from tools.rawgen.batch import Batch, Known, Lander, landed_now, latest_sql, not_yet_written, scalar, soft_deleted, some
from tools.rawgen.context import REGION_COUNT, Context, quickbooks_customer_id
from tools.rawgen.landing import LandedTable

SCHEMA = "fivetran_postgres"
HISTORY_SHARE = 0.12  # rows whose earlier version is still in the landing


def customers_sql(ctx: Context, facts: str = "customer_facts") -> str:
    s, as_of = ctx.seed, ctx.as_of_sql
    cols = """
            id, first_name, last_name, company_name, email, phone, address_line_1, city, state, postal_code,
            region_id, customer_type, salesforce_account_id, quickbooks_customer_id, created_at"""
    return f"""
        with latest as (
            select
                id, first_name, last_name, company_name, email, phone, address_line_1, city, state, postal_code,
                cast(region_id as integer) as region_id,
                case when is_commercial then 'commercial' else 'residential' end as customer_type,
                case when is_commercial then sfid('001', id) end as salesforce_account_id,
                {quickbooks_customer_id("id")} as quickbooks_customer_id,
                created_at,
                updated_at,
                is_deleted,
                synced_after({s}, id, 'c_sync', updated_at, {as_of}) as synced
            from {facts}
        )
        select {cols}, updated_at, is_deleted as _fivetran_deleted, synced as _fivetran_synced
        from latest
        union all
        -- the version before the customer was deleted, or before their phone number changed
        select
            {cols.replace('phone,', f"case when is_deleted then phone else phone({s}, id, 'old_phone') end,")},
            created_at,
            false,
            least(created_at + secs(ui({s}, id, 'c_osync', 60, 900)), synced - secs(1))
        from latest
        where is_deleted or u({s}, id, 'c_hist') < {HISTORY_SHARE}
    """


def technicians_sql(ctx: Context, first_id: int = 1, count: int | None = None) -> str:
    s, as_of = ctx.seed, ctx.as_of_sql
    count = ctx.volumes.technicians if count is None else count
    return f"""
        with facts as (
            select
                i as id,
                cast(1 + (i - 1) % {REGION_COUNT} as integer) as region_id,
                first_name({s}, i + 1000000000) as first_name,
                last_name({s}, i + 1000000000) as last_name,
                pick(['apprentice', 'journeyman', 'journeyman', 'master'], {s}, i, 'skill') as skill_level,
                cast(ui({s}, i, 'rate', 28, 75) * 100 as integer) as hourly_rate_cents,
                cast({as_of} - secs(ui({s}, i, 'hired', 30, 3650) * 86400) as date) as hired_on
            from range({first_id}, {first_id + count}) as t(i)
        ),

        latest as (
            select
                *,
                cast(hired_on as timestamp) + secs(ui({s}, id, 't_upd', 0, 20) * 86400) as updated_at
            from facts
        )

        select
            id, first_name, last_name,
            first_name || '.' || last_name || cast(id as varchar) || '@fieldforcepro.com' as email,
            phone({s}, id, 'tph') as phone,
            region_id, skill_level, hourly_rate_cents, hired_on,
            cast(null as date) as terminated_on,
            true as is_active,
            cast(hired_on as timestamp) as created_at,
            updated_at,
            false as _fivetran_deleted,
            synced_after({s}, id, 't_sync', updated_at, {as_of}) as _fivetran_synced
        from latest
        union all
        -- the hiring-day version, before the pay rate was set
        select
            id, first_name, last_name,
            first_name || '.' || last_name || cast(id as varchar) || '@fieldforcepro.com',
            phone({s}, id, 'tph'),
            region_id, skill_level, 2500, hired_on, null, true,
            cast(hired_on as timestamp), cast(hired_on as timestamp), false,
            least(cast(hired_on as timestamp) + secs(600),
                  synced_after({s}, id, 't_sync', updated_at, {as_of}) - secs(1))
        from latest
        where updated_at > cast(hired_on as timestamp)
    """


def service_types_sql(ctx: Context) -> str:
    s, as_of = ctx.seed, ctx.as_of_sql
    return f"""
        select
            id, name, category_code, base_price_cents, estimated_duration_minutes,
            true as is_active,
            {as_of} - secs(5 * 365 * 86400) as created_at,
            {as_of} - secs(ui({s}, id, 'st_upd', 30, 400) * 86400) as updated_at,
            false as _fivetran_deleted,
            {as_of} - secs(ui({s}, id, 'st_upd', 30, 400) * 86400) + secs(300) as _fivetran_synced
        from service_type_facts
    """


JOB_COLUMNS = """id, customer_id, technician_id, service_type_id, status, priority, scheduled_at, started_at,
            completed_at, total_amount_cents, created_at, updated_at"""


def jobs_sql(ctx: Context, facts: str = "job_facts") -> str:
    s, as_of = ctx.seed, ctx.as_of_sql
    # not materialized: each branch re-reads the facts, which is cheaper than holding 10M rows
    # aside, as the later branches keep only a few percent of them
    return f"""
        with latest as not materialized (
            select *, synced_after({s}, id, 'j_sync', updated_at, {as_of}) as synced
            from {facts}
        )
        select {JOB_COLUMNS}, is_deleted as _fivetran_deleted, synced as _fivetran_synced
        from latest
        union all
        -- the row as it was before it was deleted
        select {JOB_COLUMNS}, false, synced - secs(ui({s}, id, 'j_dsync', 1, 3600))
        from latest
        where is_deleted
        union all
        -- CDC history: the job as first booked, before it moved on
        select
            id, customer_id, technician_id, service_type_id, 'scheduled', priority, scheduled_at, null, null,
            estimate_cents, created_at, created_at, false,
            least(created_at + secs(ui({s}, id, 'j_osync', 60, 900)), synced - secs(1))
        from latest
        where status <> 'scheduled' and u({s}, id, 'j_hist') < {HISTORY_SHARE}
    """


def job_line_items_sql(ctx: Context, facts: str = "job_facts") -> str:
    """Each job's total split over 1-5 lines whose amounts add up to it exactly.

    Line `n` of `c` takes the share between (n/c)^0.7 and ((n+1)/c)^0.7 of the total; the 15
    possible shares, and the descriptions ('part line 2'), are a lookup table joined on the
    job's line count, rather than computed per line.
    """
    s, as_of = ctx.seed, ctx.as_of_sql
    return f"""
        with shapes as (
            select
                c.c as line_count,
                n.n as line_number,
                pow(n.n / c.c, 0.7) as lower_share,
                pow((n.n + 1) / c.c, 0.7) as upper_share,
                'labor line ' || cast(n.n + 1 as varchar) as labor_description,
                'part line ' || cast(n.n + 1 as varchar) as part_description,
                'fee line ' || cast(n.n + 1 as varchar) as fee_description
            from range(1, 6) as c(c)
            inner join range(0, 5) as n(n) on n.n < c.c
        ),

        jobs as not materialized (
            -- what is the same on all of a job's lines, drawn once per job
            select
                id as job_id,
                total_amount_cents,
                created_at,
                updated_at,
                is_deleted,
                ui({s}, id, 'nlines', 1, 5) as line_count,
                cast(ui({s}, id, 'hours', 1, 8) as decimal(10, 2)) as hours,
                synced_after({s}, id, 'j_sync', updated_at, {as_of}) as synced
            from {facts}
        ),

        lines as not materialized (
            select
                j.*,
                sh.* exclude (line_count)
            from jobs as j
            inner join shapes as sh on j.line_count = sh.line_count
        ),

        priced as not materialized (
            select
                *,
                job_id * 8 + line_number as id,
                cast(
                    floor(total_amount_cents * upper_share) - floor(total_amount_cents * lower_share)
                    as bigint
                ) as amount_cents,
                -- two parts to one fee
                case when line_number = 0 then 0
                     when u({s}, job_id * 8 + line_number, 'ltype') * 3 < 2 then 1 else 2 end
                    as line_kind,
                case when line_number = 0 then hours
                    else cast(ui({s}, job_id * 8 + line_number, 'qty', 1, 4) as decimal(10, 2)) end as quantity
            from lines
        )

        select
            id, job_id,
            case line_kind when 0 then 'labor' when 1 then 'part' else 'fee' end as line_type,
            case line_kind when 0 then labor_description when 1 then part_description else fee_description end
                as description,
            quantity,
            cast(amount_cents / quantity as bigint) as unit_price_cents,
            amount_cents,
            created_at,
            updated_at,
            is_deleted as _fivetran_deleted,
            synced as _fivetran_synced
        from priced
        union all
        -- the line before the job was deleted
        select
            id, job_id,
            case line_kind when 0 then 'labor' when 1 then 'part' else 'fee' end,
            case line_kind when 0 then labor_description when 1 then part_description else fee_description end,
            quantity,
            cast(amount_cents / quantity as bigint), amount_cents, created_at, updated_at, false,
            synced - secs(ui({s}, job_id, 'j_dsync', 1, 3600))
        from priced
        where is_deleted
    """


def tables(ctx: Context) -> list[LandedTable]:
    return [
        LandedTable(SCHEMA, "service_types", service_types_sql(ctx)),
        LandedTable(SCHEMA, "technicians", technicians_sql(ctx)),
        LandedTable(SCHEMA, "customers", customers_sql(ctx)),
        LandedTable(SCHEMA, "jobs", jobs_sql(ctx), uncompressed=(
            "scheduled_at", "started_at", "completed_at", "created_at", "updated_at", "_fivetran_synced")),
        LandedTable(SCHEMA, "job_line_items", job_line_items_sql(ctx),
                    uncompressed=("created_at", "updated_at", "_fivetran_synced")),
    ]


# --- what a sync changes (tools/rawgen/sync.py orders the sources) ------------------------------

# Schema drift: the column `tools sync --add-column` adds upstream (docs/incremental.md).
NEW_COLUMN = ("fivetran_postgres", "jobs", "job_source")


def land_sync(lander: Lander, ctx: Context, batch: Batch, known: Known) -> None:
    """New customers, changed phone numbers, a pay rise, new and progressed jobs and their lines
    (the batch's business events: job_facts, new_job_facts, customer_facts)."""
    gs, b, t = ctx.seed, batch.seed, batch.as_of_sql
    max_customer, max_job, technicians = known.max_customer, known.max_job, known.technicians
    lander.land("fivetran_postgres.customers", landed_now(batch, customers_sql(ctx), "id"), "new customers")
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
    jobs = jobs_sql(ctx)
    if known.has_new_column:
        jobs = (f"select *, case when id > {max_job} then pick(['web', 'phone', 'app'], {gs}, id, 'src') end "
                f"as {NEW_COLUMN[2]} from ({jobs})")
    lander.land("fivetran_postgres.jobs", landed_now(batch, jobs, "id"), "new and progressed jobs")
    lander.land("fivetran_postgres.job_line_items",
                landed_now(batch, job_line_items_sql(ctx, "new_job_facts"), "id"), "lines of new jobs")


def land_deletes(lander: Lander, batch: Batch) -> None:
    """The batch's deleted customers and jobs (deleted_customers, deleted_jobs), and the lines of
    the deleted jobs, as the database's foreign keys cascade."""
    job_ids = "select id from deleted_jobs"
    lander.land("fivetran_postgres.customers",
                soft_deleted(batch, "fivetran_postgres.customers", "id", "id in (select id from deleted_customers)"),
                "deleted customers")
    lander.land("fivetran_postgres.jobs", soft_deleted(batch, "fivetran_postgres.jobs", "id", f"id in ({job_ids})"),
                "deleted jobs")
    lander.land("fivetran_postgres.job_line_items",
                soft_deleted(batch, "fivetran_postgres.job_line_items", "id", f"job_id in ({job_ids})"),
                "lines of deleted jobs")


def land_changes_alone(lander: Lander, batch: Batch, known: Known) -> None:
    """Lines removed from a job or moved to another, a service type retired (and the one retired
    the batch before sold again) and another re-timed, customers moving to another region."""
    b = batch.seed
    day = batch.span_hours / 24
    max_job = known.max_job
    lines = "fivetran_postgres.job_line_items"
    lander.land(
        lines,
        soft_deleted(batch, lines, "id",
                     f"{not_yet_written(batch, lines, 'id')} and {some(batch, lines, 'ldel', 0.0005 * day)}"),
        "lines removed from their job",
    )
    lander.land(
        lines,
        f"""select * replace (least({max_job}, job_id + 1 + {b} % 7) as job_id,
                              {batch.as_of_sql} - secs(600) as updated_at,
                              cast({batch.stamp('id')} as timestamptz) as _fivetran_synced)
            from ({latest_sql(lines, 'id')})
            where not _fivetran_deleted and {not_yet_written(batch, lines, 'id')}
              and {some(batch, lines, 'lmove', 0.0002 * day)}""",
        "lines moved to another job",
    )
    # the catalogue: one service stops being sold, the one retired the batch before is sold again,
    # and one has its planned time on site revised (what every job of that service shows)
    service_types = "fivetran_postgres.service_types"
    count = scalar(lander.con, f"select count(distinct id) from {service_types}")
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
            where not _fivetran_deleted and {not_yet_written(batch, customers, 'id')}
              and {some(batch, customers, 'cmove', 0.001 * day)}""",
        "customers moving region",
    )
