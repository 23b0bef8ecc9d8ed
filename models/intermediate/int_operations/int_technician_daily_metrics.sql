{#
    One row per technician per working day: the jobs they completed and the miles they drove.
    Utilisation is time on site over the shift a technician is scheduled for
    (var technician_shift_minutes, 480 by default).
#}

with

jobs as (

    select * from {{ ref('int_jobs_enriched') }}
    where not is_deleted

),

routes as (

    select * from {{ ref('int_technician_daily_routes') }}

),

job_days as (

    select
        technician_id,
        job_completed_date as work_date,
        count(*) as jobs_completed,
        sum(total_amount) as revenue_amount,
        cast(sum(on_site_minutes) as {{ dbt.type_bigint() }}) as on_site_minutes,
        cast(sum(estimated_duration_minutes) as {{ dbt.type_bigint() }}) as estimated_minutes,
        count(case when is_on_time_arrival then 1 end) as on_time_arrivals,
        count(case when is_on_time_arrival is not null then 1 end) as tracked_arrivals
    from jobs
    where is_completed
    group by technician_id, job_completed_date

),

combined as (

    select
        coalesce(job_days.technician_id, routes.technician_id) as technician_id,
        coalesce(job_days.work_date, routes.route_date) as work_date,
        coalesce(job_days.jobs_completed, 0) as jobs_completed,
        coalesce(job_days.revenue_amount, 0) as revenue_amount,
        coalesce(job_days.on_site_minutes, 0) as on_site_minutes,
        coalesce(job_days.estimated_minutes, 0) as estimated_minutes,
        coalesce(job_days.on_time_arrivals, 0) as on_time_arrivals,
        coalesce(job_days.tracked_arrivals, 0) as tracked_arrivals,
        coalesce(routes.distance_miles, 0) as distance_miles,
        coalesce(routes.driving_minutes, 0) as driving_minutes,
        coalesce(routes.idle_minutes, 0) as idle_minutes,
        routes.first_ping_at,
        routes.last_ping_at
    from job_days
    full outer join routes
        on
            job_days.technician_id = routes.technician_id
            and job_days.work_date = routes.route_date

),

final as (

    select
        -- ids
        {{ surrogate_key(['technician_id', 'work_date']) }} as technician_day_id,
        technician_id,
        work_date,

        -- measures
        jobs_completed,
        revenue_amount,
        on_site_minutes,
        estimated_minutes,
        on_time_arrivals,
        tracked_arrivals,
        distance_miles,
        driving_minutes,
        idle_minutes,
        {{ var('technician_shift_minutes') }} as shift_minutes,
        {{ safe_ratio('on_site_minutes', var('technician_shift_minutes')) }} as utilisation_rate,
        {{ safe_ratio('on_time_arrivals', 'tracked_arrivals') }} as on_time_arrival_rate,

        -- timestamps
        first_ping_at,
        last_ping_at

    from combined

)

select * from final
