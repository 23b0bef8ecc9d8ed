with

daily as (

    select * from {{ ref('int_technician_daily_metrics') }}

),

technicians as (

    select * from {{ ref('dim_technicians') }}

),

final as (

    select
        -- ids
        daily.technician_day_id,
        daily.technician_id,
        technicians.region_id,
        daily.work_date,

        -- measures
        daily.jobs_completed,
        daily.revenue_amount,
        daily.on_site_minutes,
        daily.estimated_minutes,
        daily.on_time_arrivals,
        daily.tracked_arrivals,
        daily.distance_miles,
        daily.driving_minutes,
        daily.idle_minutes,
        daily.shift_minutes,
        daily.utilisation_rate,
        daily.on_time_arrival_rate,
        {{ safe_ratio('daily.revenue_amount', 'daily.jobs_completed', 2) }} as revenue_per_job,
        {{ safe_ratio('daily.on_site_minutes', 'daily.estimated_minutes') }} as duration_vs_estimate,

        -- timestamps
        daily.first_ping_at,
        daily.last_ping_at

    from daily
    left join technicians
        on daily.technician_id = technicians.technician_id

)

select * from final
