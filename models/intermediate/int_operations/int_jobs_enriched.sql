{{
    config(
        materialized='incremental',
        unique_key='job_id',
        incremental_strategy=upsert_strategy(),
        on_schema_change='sync_all_columns',
    )
}}

{#
    One row per job Fivetran has landed, deleted ones kept and flagged (is_deleted) so that the
    incremental models downstream see a deletion as a changed row.

    Incremental (docs/incremental.md): a run rebuilds every job whose result can have changed since
    the table's last run, and upserts it. Changes that name their job come from the base tables'
    rows written since then: the job itself, and its lines (a deleted line still names its job,
    a moved line its new one). Changes that do not name the job they take away from are found by
    comparing what the table holds with its inputs now: a job that lost a line to another job no
    longer has its stored line count; a service type or ServiceTitan visit that changed, went or
    moved to another job no longer gives what the table holds.
#}

-- depends_on: {{ ref('base_postgres__job_line_items') }}

with

-- a job dispatched through ServiceTitan has one visit; a rescheduled one keeps its latest
-- appointment (ties broken by the appointment's id, so that every build picks the same one)
servicetitan_visits as (

    select
        servicetitan_jobs.job_id,
        servicetitan_jobs.servicetitan_job_id,
        appointments.arrival_window_start_at,
        appointments.arrival_window_end_at,
        appointments.arrived_at
    from {{ ref('stg_servicetitan__job') }} as servicetitan_jobs
    inner join {{ ref('stg_servicetitan__appointment') }} as appointments
        on servicetitan_jobs.servicetitan_job_id = appointments.servicetitan_job_id
    where servicetitan_jobs.job_id is not null
    qualify row_number() over (
            partition by servicetitan_jobs.job_id
            order by appointments.appointment_start_at desc nulls last, appointments.appointment_id desc
        ) = 1

),

{% if is_incremental() %}

-- The jobs to rebuild. These read the tables themselves rather than the CTEs below: DuckDB
-- materializes a CTE that is read twice, which would copy every job on every run.
changed_jobs as (

    -- the job itself: changed, deleted, or back after a deletion
    select job_id from {{ ref('base_postgres__jobs') }}
    where
        {{ loaded_since_last_run() }}
        or {{ backfill_filter('job_created_at') }}

    union distinct

    -- a line added, changed or deleted (its job), or moved (its new job)
    select job_id from {{ ref('base_postgres__job_line_items') }}
    where {{ loaded_since_last_run() }}

    union distinct

    -- a job that a line moved away from
    select stored.job_id
    from {{ this }} as stored
    left join (
        select
            job_id,
            count(*) as line_item_count
        from {{ ref('stg_postgres__job_line_items') }}
        group by job_id
    ) as current_lines
        on stored.job_id = current_lines.job_id
    where stored.line_item_count <> coalesce(current_lines.line_item_count, 0)

    union distinct

    -- its service type changed, was deleted or came back
    select stored.job_id
    from {{ this }} as stored
    left join {{ ref('stg_postgres__service_types') }} as service_types
        on stored.service_type_id = service_types.service_type_id
    where
        stored.service_category_code is distinct from service_types.service_category_code
        or stored.estimated_duration_minutes is distinct from service_types.estimated_duration_minutes

    union distinct

    -- its ServiceTitan visit changed, was cancelled, or moved to another job
    select coalesce(stored.job_id, servicetitan_visits.job_id) as job_id
    from (select * from {{ this }} where servicetitan_job_id is not null) as stored
    full outer join servicetitan_visits
        on stored.job_id = servicetitan_visits.job_id
    where
        stored.servicetitan_job_id is distinct from servicetitan_visits.servicetitan_job_id
        or stored.arrival_window_start_at is distinct from servicetitan_visits.arrival_window_start_at
        or stored.arrival_window_end_at is distinct from servicetitan_visits.arrival_window_end_at
        or stored.arrived_at is distinct from servicetitan_visits.arrived_at

),

{% endif %}

{%- set changed_only = 'where job_id in (select changed_jobs.job_id from changed_jobs)' if is_incremental() else '' %}

jobs as (

    select * from {{ ref('base_postgres__jobs') }}
    {{ changed_only }}

),

line_items as (

    select * from {{ ref('stg_postgres__job_line_items') }}
    {{ changed_only }}

),

service_types as (

    select * from {{ ref('stg_postgres__service_types') }}

),

line_totals as (

    select
        job_id,
        count(*) as line_item_count,
        sum(case when line_type = 'labor' then amount else 0 end) as labor_amount,
        sum(case when line_type = 'part' then amount else 0 end) as parts_amount,
        sum(case when line_type = 'fee' then amount else 0 end) as fee_amount
    from line_items
    group by job_id

),

joined as (

    select
        -- ids
        jobs.job_id,
        jobs.customer_id,
        jobs.technician_id,
        jobs.service_type_id,
        servicetitan_visits.servicetitan_job_id,

        -- attributes
        jobs.job_status,
        jobs.job_priority,
        service_types.service_category_code,
        jobs.job_status = 'completed' as is_completed,
        jobs.job_status = 'cancelled' as is_cancelled,
        servicetitan_visits.arrived_at is not null as is_dispatched_in_servicetitan,
        case
            when servicetitan_visits.arrived_at is null then null
            else servicetitan_visits.arrived_at <= servicetitan_visits.arrival_window_end_at
        end as is_on_time_arrival,

        -- measures
        coalesce(line_totals.line_item_count, 0) as line_item_count,
        jobs.total_amount_cents,
        jobs.total_amount,
        coalesce(line_totals.labor_amount, 0) as labor_amount,
        coalesce(line_totals.parts_amount, 0) as parts_amount,
        coalesce(line_totals.fee_amount, 0) as fee_amount,
        case
            when jobs.job_status = 'completed'
                then {{ dbt.datediff('jobs.job_started_at', 'jobs.job_completed_at', 'minute') }}
        end as on_site_minutes,
        service_types.estimated_duration_minutes,

        -- timestamps
        jobs.job_created_at,
        jobs.job_scheduled_at,
        jobs.job_started_at,
        jobs.job_completed_at,
        jobs.job_updated_at,
        servicetitan_visits.arrival_window_start_at,
        servicetitan_visits.arrival_window_end_at,
        servicetitan_visits.arrived_at,
        cast(jobs.job_scheduled_at as date) as job_scheduled_date,
        cast(jobs.job_completed_at as date) as job_completed_date,

        -- metadata
        jobs.is_deleted,
        jobs._fivetran_synced,
        {{ dbt_loaded_at() }} as _dbt_loaded_at

    from jobs
    left join line_totals
        on jobs.job_id = line_totals.job_id
    left join service_types
        on jobs.service_type_id = service_types.service_type_id
    left join servicetitan_visits
        on jobs.job_id = servicetitan_visits.job_id

)

select * from joined
