{{
    config(
        materialized='incremental',
        unique_key='job_id',
        incremental_strategy='rebuild_keys',
        on_schema_change='append_new_columns',
        cluster_by=['job_completed_date', 'customer_id'],
    )
}}

{#
    One row per live job. Incremental (docs/incremental.md): each run rebuilds the jobs that
    int_jobs_enriched rewrote since this table's last run; a job deleted there (its tombstone) is
    removed here (incremental_strategy 'rebuild_keys'). `--vars '{backfill_start: 2024-01-01}'`
    also rebuilds every job booked since that date.

    A job's region is its customer's, as it is today: a customer who moves region takes their
    jobs with them. So a run also rebuilds the jobs whose stored region is no longer their
    customer's (one comparison of this table with dim_customers), and the table stays equal to a
    full refresh when only a customer changed.
#}

{#- a table built before jobs had a region gets every job rebuilt once, with it -#}
{%- set stores_region = not is_incremental() or this_has_column('region_id') -%}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

{% if is_incremental() %}
-- jobs whose stored region is no longer their customer's: every stored job the first time
regions_moved as (

    select stored.job_id
    from {{ this }} as stored
    {% if stores_region %}
    left join customers
        on stored.customer_id = customers.customer_id
    where stored.region_id is distinct from customers.region_id
    {% endif %}

),
{% endif %}

jobs as (

    select * from {{ ref('int_jobs_enriched') }}
    {% if is_incremental() %}
    where
        {{ loaded_since_last_run() }}
        or {{ backfill_filter('job_created_at') }}
        or job_id in (select regions_moved.job_id from regions_moved)
    {% endif %}

),

final as (

    select
        -- ids
        {{ surrogate_key(['jobs.job_id']) }} as job_key,
        jobs.job_id,
        jobs.customer_id,
        customers.region_id,
        jobs.technician_id,
        jobs.service_type_id,
        jobs.servicetitan_job_id,

        -- attributes
        jobs.job_status,
        jobs.job_priority,
        jobs.is_completed,
        jobs.is_cancelled,
        jobs.is_on_time_arrival,

        -- measures
        jobs.line_item_count,
        jobs.total_amount_cents,
        jobs.total_amount,
        jobs.labor_amount,
        jobs.parts_amount,
        jobs.fee_amount,
        jobs.on_site_minutes,
        jobs.estimated_duration_minutes,

        -- timestamps
        jobs.job_created_at,
        jobs.job_scheduled_at,
        jobs.job_started_at,
        jobs.job_completed_at,
        jobs.arrived_at,
        jobs.job_scheduled_date,
        jobs.job_completed_date,

        -- metadata
        jobs._fivetran_synced,
        -- a deleted job comes back without a load time: the strategy removes it
        case when not jobs.is_deleted then {{ dbt_loaded_at() }} end as _dbt_loaded_at

    from jobs
    left join customers
        on jobs.customer_id = customers.customer_id
    {% if not is_incremental() %}
    where not jobs.is_deleted
    {% endif %}

)

select * from final
