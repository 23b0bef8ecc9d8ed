"""fivetran_servicetitan: the dispatch system, rolled out for the most recent jobs only.

ServiceTitan keeps its own ids; `job.job_number` is the operational job id and
`technician.employee_id` the operational technician id. API fields are camelCase and land
snake_cased (completedOn -> completed_on). Appointment `start`/`end` are reserved words.
"""

from __future__ import annotations

from tools.rawgen.batch import Batch, Lander, landed_now, not_yet_written, soft_deleted, some
from tools.rawgen.context import Context
from tools.rawgen.landing import LandedTable

SCHEMA = "fivetran_servicetitan"
JOB_ID_OFFSET = 30_000_000
APPOINTMENT_ID_OFFSET = 40_000_000
INVOICE_ID_OFFSET = 60_000_000
TECHNICIAN_ID_OFFSET = 9_000_000

STATUS = """case status when 'scheduled' then 'Scheduled' when 'dispatched' then 'Dispatched'
                when 'in_progress' then 'Working' when 'completed' then 'Completed' else 'Canceled' end"""


def rollout_filter(ctx: Context) -> str:
    from tools.rawgen.context import SERVICETITAN_ROLLOUT_DAYS

    return f"scheduled_at >= {ctx.as_of_sql} - secs({SERVICETITAN_ROLLOUT_DAYS} * 86400)"


def technician_sql(ctx: Context) -> str:
    s, as_of = ctx.seed, ctx.as_of_sql
    return f"""
        select
            {TECHNICIAN_ID_OFFSET} + i as id,
            first_name({s}, i + 1000000000) || ' ' || last_name({s}, i + 1000000000) as name,
            cast(i as varchar) as employee_id,
            cast(1 + (i - 1) % 8 as bigint) as business_unit_id,
            true as active,
            {as_of} - secs(80 * 86400) as created_on,
            {as_of} - secs(ui({s}, i, 'stt_upd', 1, 79) * 86400) as modified_on,
            false as _fivetran_deleted,
            {as_of} - secs(ui({s}, i, 'stt_upd', 1, 79) * 86400) + secs(120) as _fivetran_synced
        from range(1, {ctx.volumes.technicians + 1}) as t(i)
    """


def job_sql(ctx: Context, facts: str = "job_facts") -> str:
    s, as_of = ctx.seed, ctx.as_of_sql
    return f"""
        select
            {JOB_ID_OFFSET} + id as id,
            cast(id as varchar) as job_number,
            customer_id,
            service_type_id as job_type_id,
            region_id as business_unit_id,
            {STATUS} as job_status,
            priority,
            completed_at as completed_on,
            created_at as created_on,
            updated_at as modified_on,
            is_deleted as _fivetran_deleted,
            synced_after({s}, id, 'stj_sync', updated_at, {as_of}) as _fivetran_synced
        from {facts}
        where {rollout_filter(ctx)}
    """


def appointment_sql(ctx: Context, facts: str = "job_facts") -> str:
    s, as_of = ctx.seed, ctx.as_of_sql
    return f"""
        select
            {APPOINTMENT_ID_OFFSET} + j.id as id,
            {JOB_ID_OFFSET} + j.id as job_id,
            cast(j.id as varchar) || '-1' as appointment_number,
            {TECHNICIAN_ID_OFFSET} + j.technician_id as technician_id,
            j.scheduled_at as "start",
            j.scheduled_at + secs(st.estimated_duration_minutes * 60) as "end",
            j.scheduled_at - secs(3600) as arrival_window_start,
            j.scheduled_at + secs(3600) as arrival_window_end,
            j.started_at as arrived_on,
            case j.status when 'scheduled' then 'Scheduled' when 'dispatched' then 'Dispatched'
                when 'in_progress' then 'Working' when 'completed' then 'Done' else 'Canceled' end as status,
            j.created_at as created_on,
            j.updated_at as modified_on,
            j.is_deleted as _fivetran_deleted,
            synced_after({s}, j.id, 'sta_sync', j.updated_at, {as_of}) as _fivetran_synced
        from {facts} as j
        inner join service_type_facts as st on j.service_type_id = st.id
        where {rollout_filter(ctx).replace('scheduled_at', 'j.scheduled_at')}
    """


def invoice_sql(ctx: Context, facts: str = "job_facts") -> str:
    s, as_of = ctx.seed, ctx.as_of_sql
    return f"""
        select
            {INVOICE_ID_OFFSET} + id as id,
            {JOB_ID_OFFSET} + id as job_id,
            'ST-' || cast(id as varchar) as number,
            cast(completed_at as date) as invoice_date,
            cast(total_amount_cents / 100.0 as decimal(18, 2)) as sub_total,
            cast(0 as decimal(18, 2)) as sales_tax,
            cast(total_amount_cents / 100.0 as decimal(18, 2)) as total,
            completed_at as created_on,
            completed_at as modified_on,
            is_deleted as _fivetran_deleted,
            synced_after({s}, id, 'sti_sync', completed_at, {as_of}) as _fivetran_synced
        from {facts}
        where status = 'completed' and {rollout_filter(ctx)}
    """


def tables(ctx: Context) -> list[LandedTable]:
    return [
        LandedTable(SCHEMA, "technician", technician_sql(ctx)),
        LandedTable(SCHEMA, "job", job_sql(ctx)),
        LandedTable(SCHEMA, "appointment", appointment_sql(ctx)),
        LandedTable(SCHEMA, "invoice", invoice_sql(ctx)),
    ]


# --- what a sync changes (tools/rawgen/sync.py orders the sources) ------------------------------


def land_sync(lander: Lander, ctx: Context, batch: Batch) -> None:
    """New and moved jobs, their appointments, and the invoices of completed jobs."""
    lander.land("fivetran_servicetitan.job", landed_now(batch, job_sql(ctx), "id"), "new and moved jobs")
    lander.land("fivetran_servicetitan.appointment",
                landed_now(batch, appointment_sql(ctx), "id"), "their appointments")
    lander.land("fivetran_servicetitan.invoice", landed_now(batch, invoice_sql(ctx), "id"),
                "invoices of completed jobs")



def land_deletes(lander: Lander, batch: Batch) -> None:
    """The jobs, appointments and invoices of deleted jobs."""
    for table, offset in (("job", JOB_ID_OFFSET), ("appointment", APPOINTMENT_ID_OFFSET),
                          ("invoice", INVOICE_ID_OFFSET)):
        lander.land(f"fivetran_servicetitan.{table}",
                    soft_deleted(batch, f"fivetran_servicetitan.{table}", "id",
                                 f"id in (select {offset} + id from deleted_jobs)"),
                    "of deleted jobs")


def land_changes_alone(lander: Lander, batch: Batch) -> None:
    """Appointments cancelled, their job left as it is."""
    day = batch.span_hours / 24
    appointments = "fivetran_servicetitan.appointment"
    lander.land(
        appointments,
        soft_deleted(batch, appointments, "id",
                     f"{not_yet_written(batch, appointments, 'id')} and "
                     f"{some(batch, appointments, 'acancel', 0.001 * day)}"),
        "appointments cancelled",
    )
