"""The true state of customers and jobs, from which every source system's rows are derived.

Each source (Postgres, Salesforce, QuickBooks, ServiceTitan) sees the same customers and jobs,
which is what makes the landed data referentially consistent across systems. Facts are temp
tables: they never land in the raw database.
"""

from __future__ import annotations

from tools.rawgen.catalog import REGIONS, SERVICE_TYPES
from tools.rawgen.context import COMMERCIAL_SHARE, REGION_COUNT

CUSTOMER_DELETE_SHARE = 0.004
JOB_DELETE_SHARE = 0.008


def _regions_values() -> str:
    rows = ", ".join(
        f"({r.region_id}, '{r.code}', '{r.city}', '{r.state}', {r.latitude}, {r.longitude})" for r in REGIONS
    )
    return f"(values {rows}) as r(region_id, region_code, city, state, latitude, longitude)"


def service_types_sql(seed: int) -> str:
    """One row per service type, with its price and duration (stable for a seed)."""
    rows = ", ".join(f"({i}, '{name}', '{category}')" for i, (name, category) in enumerate(SERVICE_TYPES, 1))
    return f"""
        select
            id,
            name,
            category_code,
            cast(5000 + (hash({seed}, id, 'price') % 180) * 500 as bigint) as base_price_cents,
            cast(30 + (hash({seed}, id, 'dur') % 5) * 30 as integer) as estimated_duration_minutes
        from (values {rows}) as s(id, name, category_code)
    """


def regions_sql() -> str:
    return f"select * from {_regions_values()}"


def create_regions(con) -> None:  # type: ignore[no-untyped-def]
    con.execute(f"create or replace temp table regions as {regions_sql()}")


def create_service_types(con, seed: int) -> None:  # type: ignore[no-untyped-def]
    con.execute(f"create or replace temp table service_type_facts as {service_types_sql(seed)}")


def customer_facts_sql(seed: int, first_id: int, count: int, window_end: str, window_seconds: int) -> str:
    """Customers `first_id .. first_id+count-1`, created within the window ending at `window_end`."""
    s = seed
    return f"""
        select
            c.id,
            c.region_id,
            r.region_code,
            r.city,
            r.state,
            c.is_commercial,
            first_name({s}, c.id) as first_name,
            last_name({s}, c.id) as last_name,
            case when c.is_commercial then company({s}, c.id) end as company_name,
            first_name({s}, c.id) || '.' || last_name({s}, c.id) || cast(c.id as varchar) || '@example.com' as email,
            phone({s}, c.id, 'ph') as phone,
            street({s}, c.id) as address_line_1,
            lpad(cast(ui({s}, c.id, 'zip', 1000, 99999) as varchar), 5, '0') as postal_code,
            c.created_at,
            least({window_end}, plus_secs(c.created_at, u({s}, c.id, 'cupd') * 86400 * 400)) as updated_at,
            u({s}, c.id, 'cdel') < {CUSTOMER_DELETE_SHARE} as is_deleted
        from (
            select
                i as id,
                ui({s}, i, 'region', 1, {REGION_COUNT}) as region_id,
                u({s}, i, 'ctype') < {COMMERCIAL_SHARE} as is_commercial,
                minus_secs({window_end}, u({s}, i, 'ccreated') * {window_seconds}) as created_at
            from range({first_id}, {first_id + count}) as t(i)
        ) as c
        inner join regions as r on c.region_id = r.region_id
    """


def job_facts_sql(
    seed: int,
    first_id: int,
    count: int,
    window_end: str,
    window_seconds: int,
    customer_count: int,
    technician_count: int,
    as_of: str,
    late_share: float = 0.0,
) -> str:
    """Jobs `first_id ..`, created within the window, with their state as of `as_of`.

    `late_share` of the jobs are late arrivals: their business timestamps lie 1 to 5 days
    further in the past than the window, as when a source system catches up.
    """
    s = seed
    late = (f"case when u({s}, i, 'late') < {late_share} then ui({s}, i, 'late_by', 86400, 5 * 86400) else 0 end"
            if late_share else "0")
    return f"""
        with keyed as (
            select
                i as id,
                ui({s}, i, 'cust', 1, {customer_count}) as customer_id,
                ui({s}, i, 'svc', 1, {len(SERVICE_TYPES)}) as service_type_id,
                minus_secs({window_end}, u({s}, i, 'created') * {window_seconds} + {late}) as created_at
            from range({first_id}, {first_id + count}) as t(i)
        ),

        timed as (
            select
                k.*,
                ui({s}, k.customer_id, 'region', 1, {REGION_COUNT}) as region_id,
                u({s}, k.customer_id, 'cdel') < {CUSTOMER_DELETE_SHARE} as is_customer_deleted,
                plus_secs(k.created_at, ui({s}, k.id, 'lead', 3600, 10 * 86400)) as scheduled_at,
                st.base_price_cents,
                st.estimated_duration_minutes
            from keyed as k
            inner join service_type_facts as st on k.service_type_id = st.id
        ),

        -- Technicians take a region's jobs of a day in turn, in the order they are scheduled,
        -- from a starting technician drawn per region and day: a day's load is spread evenly
        -- (a draw per job would give some technicians a dozen jobs and others none). The start
        -- depends on the first id, so the parts of a split generation start at different technicians.
        dispatched as (
            select
                t.*,
                row_number() over (
                    partition by t.region_id, cast(t.scheduled_at as date) order by t.scheduled_at, t.id
                ) - 1 as day_rank,
                ({technician_count} - t.region_id) // {REGION_COUNT} + 1 as region_technicians
            from timed as t
        ),

        staged as (
            select
                t.* exclude (day_rank, region_technicians),
                t.region_id + {REGION_COUNT} * (
                    (t.day_rank + ui({s}, epoch_us(t.scheduled_at) // 86400000000 * {REGION_COUNT} + t.region_id,
                                     'tech_start_{first_id}', 0, t.region_technicians - 1))
                    % t.region_technicians
                ) as technician_id,
                job_started_at({s}, t.id, t.scheduled_at) as started_at_planned,
                job_completed_at({s}, t.id, t.scheduled_at, t.estimated_duration_minutes) as completed_at_planned,
                job_status_at({s}, t.id, t.scheduled_at, t.estimated_duration_minutes, {as_of}) as status,
                pick(['low', 'medium', 'medium', 'medium', 'high'], {s}, t.id, 'prio') as priority,
                job_amount_cents({s}, t.id, t.base_price_cents) as final_amount_cents
            from dispatched as t
        )

        select
            id,
            customer_id,
            technician_id,
            service_type_id,
            region_id,
            status,
            priority,
            created_at,
            scheduled_at,
            case when status in ('in_progress', 'completed') then started_at_planned end as started_at,
            case when status = 'completed' then completed_at_planned end as completed_at,
            case when status = 'cancelled' then 4900 else final_amount_cents end as total_amount_cents,
            base_price_cents as estimate_cents,
            least(
                {as_of},
                plus_secs(
                    case status
                        when 'completed' then completed_at_planned
                        when 'in_progress' then started_at_planned
                        when 'cancelled' then plus_secs(created_at, ui({s}, id, 'cancel_at', 600, 86400))
                        else created_at
                    end,
                    ui({s}, id, 'upd', 30, 900)
                )
            ) as updated_at,
            is_customer_deleted or u({s}, id, 'jdel') < {JOB_DELETE_SHARE} as is_deleted
        from staged
    """
