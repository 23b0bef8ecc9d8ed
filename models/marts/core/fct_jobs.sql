{{
    config(
        materialized='incremental',
        unique_key='job_id',
        incremental_strategy=upsert_strategy(),
        on_schema_change='sync_all_columns',
        cluster_by=['job_completed_date', 'customer_id'],
        post_hook="{{ delete_missing_rows(ref('int_jobs_enriched'), 'job_id') }}",
    )
}}

{#
    One row per job. Incremental: each run re-reads the jobs synced since the table's high-water
    mark, less the 3-day look-back, and upserts them on job_id; jobs deleted in the source are
    removed by the post-hook. `--vars '{backfill_start: 2024-01-01}'` also re-reads every job
    booked since that date.
#}

with

jobs as (

    select * from {{ ref('int_jobs_enriched') }}
    {% if is_incremental() %}
    where
        {{ incremental_lookback_filter() }}
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
        _fivetran_synced

    from jobs

)

select * from final
