{# Operations dashboard, daily table: jobs, completion and arrivals per region, the last 30 days. #}

with

daily as (

    select * from {{ ref('v_rpt_operations_daily_rls') }}

),

window_start as (

    select {{ dbt.dateadd('day', -30, 'max(report_date)') }} as start_date
    from daily

),

final as (

    select
        daily.report_date,
        daily.region_code,
        daily.jobs_scheduled,
        daily.jobs_completed,
        daily.completed_job_amount,
        daily.jobs_cancelled,
        daily.completion_rate,
        daily.on_time_arrival_rate,
        daily.active_technicians,
        daily.distance_miles
    from daily
    inner join window_start on daily.report_date > window_start.start_date

)

select * from final
order by report_date, region_code
