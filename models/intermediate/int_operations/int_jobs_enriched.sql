{{
    config(
        materialized='incremental',
        unique_key='job_id',
        incremental_strategy=upsert_strategy(),
        on_schema_change='sync_all_columns',
        post_hook="{{ delete_missing_rows(ref('stg_postgres__jobs'), 'job_id') }}",
    )
}}

{#
    Incremental: a run rebuilds the jobs any of whose inputs (the job, its lines, its
    ServiceTitan job and appointment, its service type) were synced since the table's
    high-water mark, less the look-back, and upserts them; the post-hook removes deleted jobs.
#}

with

{% if is_incremental() %}

-- The jobs to rebuild. This reads the staging tables itself rather than the CTEs below:
-- DuckDB materializes a CTE that is read twice, which would copy every job on every run.
changed_jobs as (

    select job_id from {{ ref('stg_postgres__jobs') }}
    where
        {{ incremental_lookback_filter() }}
        or {{ backfill_filter('job_created_at') }}
        or service_type_id in (
            select service_types.service_type_id from {{ ref('stg_postgres__service_types') }} as service_types
            where {{ incremental_lookback_filter('service_types._fivetran_synced') }}
        )
    union distinct
    select job_id from {{ ref('stg_postgres__job_line_items') }} where {{ incremental_lookback_filter() }}
    union distinct
    select servicetitan_jobs.job_id
    from {{ ref('stg_servicetitan__job') }} as servicetitan_jobs
    left join {{ ref('stg_servicetitan__appointment') }} as appointments
        on servicetitan_jobs.servicetitan_job_id = appointments.servicetitan_job_id
    where
        {{ incremental_lookback_filter('servicetitan_jobs._fivetran_synced') }}
        or {{ incremental_lookback_filter('appointments._fivetran_synced') }}

),

{% endif %}

{%- set changed_only = 'where job_id in (select changed_jobs.job_id from changed_jobs)' if is_incremental() else '' %}

jobs as (

    select * from {{ ref('stg_postgres__jobs') }}
    {{ changed_only }}

),

line_items as (

    select * from {{ ref('stg_postgres__job_line_items') }}
    {{ changed_only }}

),

service_types as (

    select * from {{ ref('stg_postgres__service_types') }}

),

servicetitan_jobs as (

    select * from {{ ref('stg_servicetitan__job') }}
    {{ changed_only }}

),

appointments as (

    select * from {{ ref('stg_servicetitan__appointment') }}

),

line_totals as (

    select
        job_id,
        count(*) as line_item_count,
        sum(case when line_type = 'labor' then amount else 0 end) as labor_amount,
        sum(case when line_type = 'part' then amount else 0 end) as parts_amount,
        sum(case when line_type = 'fee' then amount else 0 end) as fee_amount,
        max(_fivetran_synced) as _fivetran_synced
    from line_items
    group by job_id

),

-- a job dispatched through ServiceTitan has one appointment; rescheduled ones keep the latest
first_appointments as (

    select
        servicetitan_jobs.job_id,
        servicetitan_jobs.servicetitan_job_id,
        appointments.arrival_window_start_at,
        appointments.arrival_window_end_at,
        appointments.arrived_at,
        greatest(servicetitan_jobs._fivetran_synced, appointments._fivetran_synced) as _fivetran_synced
    from servicetitan_jobs
    inner join appointments
        on servicetitan_jobs.servicetitan_job_id = appointments.servicetitan_job_id
    qualify row_number() over (
            partition by servicetitan_jobs.job_id order by appointments.appointment_start_at desc
        ) = 1

),

joined as (

    select
        -- ids
        jobs.job_id,
        jobs.customer_id,
        jobs.technician_id,
        jobs.service_type_id,
        first_appointments.servicetitan_job_id,

        -- attributes
        jobs.job_status,
        jobs.job_priority,
        service_types.service_category_code,
        jobs.job_status = 'completed' as is_completed,
        jobs.job_status = 'cancelled' as is_cancelled,
        first_appointments.arrived_at is not null as is_dispatched_in_servicetitan,
        case
            when first_appointments.arrived_at is null then null
            else first_appointments.arrived_at <= first_appointments.arrival_window_end_at
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
        first_appointments.arrival_window_start_at,
        first_appointments.arrival_window_end_at,
        first_appointments.arrived_at,
        cast(jobs.job_scheduled_at as date) as job_scheduled_date,
        cast(jobs.job_completed_at as date) as job_completed_date,

        -- metadata: the latest sync of any row the job is built from, so incremental models
        -- downstream see a job change when its lines, its appointment or its service type change
        greatest(
            jobs._fivetran_synced,
            coalesce(line_totals._fivetran_synced, jobs._fivetran_synced),
            coalesce(first_appointments._fivetran_synced, jobs._fivetran_synced),
            coalesce(service_types._fivetran_synced, jobs._fivetran_synced)
        ) as _fivetran_synced

    from jobs
    left join line_totals
        on jobs.job_id = line_totals.job_id
    left join service_types
        on jobs.service_type_id = service_types.service_type_id
    left join first_appointments
        on jobs.job_id = first_appointments.job_id

)

select * from joined
