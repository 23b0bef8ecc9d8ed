{{
    config(
        materialized='incremental',
        unique_key='job_id',
        incremental_strategy='rebuild_keys',
        on_schema_change='sync_all_columns',
        cluster_by=['job_completed_date', 'customer_id'],
    )
}}

{#
    One row per live job. Incremental (docs/incremental.md): each run rebuilds the jobs that
    int_jobs_enriched rewrote since this table's last run; a job deleted there (its tombstone) is
    removed here (incremental_strategy 'rebuild_keys'). `--vars '{backfill_start: 2024-01-01}'`
    also rebuilds every job booked since that date.
#}

with

jobs as (

    select * from {{ ref('int_jobs_enriched') }}
    {% if is_incremental() %}
    where
        {{ loaded_since_last_run() }}
        or {{ backfill_filter('job_created_at') }}
    {% endif %}

),

final as (

    select
        -- ids
        {{ surrogate_key(['job_id']) }} as job_key,
        job_id,
        customer_id,
        technician_id,
        service_type_id,
        servicetitan_job_id,

        -- attributes
        job_status,
        job_priority,
        is_completed,
        is_cancelled,
        is_on_time_arrival,

        -- measures
        line_item_count,
        total_amount_cents,
        total_amount,
        labor_amount,
        parts_amount,
        fee_amount,
        on_site_minutes,
        estimated_duration_minutes,

        -- timestamps
        job_created_at,
        job_scheduled_at,
        job_started_at,
        job_completed_at,
        arrived_at,
        job_scheduled_date,
        job_completed_date,

        -- metadata
        _fivetran_synced,
        -- a deleted job comes back without a load time: the strategy removes it
        case when not is_deleted then {{ dbt_loaded_at() }} end as _dbt_loaded_at

    from jobs
    {% if not is_incremental() %}
    where not is_deleted
    {% endif %}

)

select * from final
