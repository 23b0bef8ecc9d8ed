{#
    The office managers' morning report: per day and region, what was booked, done and driven.
#}

with

jobs as (

    select * from {{ ref('fct_jobs') }}

),

performance as (

    select * from {{ ref('fct_technician_performance') }}

),

regions as (

    select * from {{ ref('seed_regions') }}

),

scheduled as (

    select
        jobs.job_scheduled_date as report_date,
        jobs.region_id,
        count(*) as jobs_scheduled,
        count(case when jobs.is_cancelled then 1 end) as jobs_cancelled,
        count(case when jobs.is_completed then 1 end) as scheduled_jobs_completed
    from jobs
    where jobs.region_id is not null
    group by jobs.job_scheduled_date, jobs.region_id

),

completed as (

    select
        jobs.job_completed_date as report_date,
        jobs.region_id,
        count(*) as jobs_completed,
        sum(jobs.total_amount) as completed_job_amount,
        cast(sum(jobs.on_site_minutes) as {{ dbt.type_bigint() }}) as on_site_minutes,
        count(case when jobs.is_on_time_arrival then 1 end) as on_time_arrivals,
        count(case when jobs.is_on_time_arrival is not null then 1 end) as tracked_arrivals
    from jobs
    where jobs.is_completed and jobs.region_id is not null
    group by jobs.job_completed_date, jobs.region_id

),

driven as (

    select
        work_date as report_date,
        region_id,
        count(distinct case when jobs_completed > 0 or distance_miles > 0 then technician_id end)
            as active_technicians,
        sum(distance_miles) as distance_miles,
        sum(idle_minutes) as idle_minutes
    from performance
    group by work_date, region_id

),

days as (

    select
        report_date,
        region_id
    from scheduled
    union distinct
    select
        report_date,
        region_id
    from completed
    union distinct
    select
        report_date,
        region_id
    from driven

),

final as (

    select
        -- ids
        {{ surrogate_key(['days.report_date', 'days.region_id']) }} as operations_day_id,
        days.report_date,
        days.region_id,

        -- attributes
        regions.region_code,
        regions.region_name,

        -- measures
        coalesce(scheduled.jobs_scheduled, 0) as jobs_scheduled,
        coalesce(scheduled.jobs_cancelled, 0) as jobs_cancelled,
        coalesce(completed.jobs_completed, 0) as jobs_completed,
        coalesce(completed.completed_job_amount, 0) as completed_job_amount,
        coalesce(completed.on_site_minutes, 0) as on_site_minutes,
        coalesce(driven.active_technicians, 0) as active_technicians,
        coalesce(driven.distance_miles, 0) as distance_miles,
        coalesce(driven.idle_minutes, 0) as idle_minutes,
        {{ safe_ratio('scheduled.scheduled_jobs_completed', 'scheduled.jobs_scheduled') }} as completion_rate,
        {{ safe_ratio('completed.on_time_arrivals', 'completed.tracked_arrivals') }} as on_time_arrival_rate

    from days
    left join scheduled
        on days.report_date = scheduled.report_date and days.region_id = scheduled.region_id
    left join completed
        on days.report_date = completed.report_date and days.region_id = completed.region_id
    left join driven
        on days.report_date = driven.report_date and days.region_id = driven.region_id
    left join regions
        on days.region_id = regions.region_id
    where days.report_date is not null

)

select * from final
