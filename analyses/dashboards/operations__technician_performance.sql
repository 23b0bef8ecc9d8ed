{# Operations dashboard, leaderboard: each technician's last 30 days, best revenue first. #}

with

performance as (

    select * from {{ ref('v_fct_technician_performance_rls') }}

),

technicians as (

    select * from {{ ref('v_dim_technicians_rls') }}

),

window_start as (

    select {{ dbt.dateadd('day', -30, 'max(work_date)') }} as start_date
    from performance

),

final as (

    select
        technicians.technician_name,
        technicians.region_code,
        technicians.skill_level,
        sum(performance.jobs_completed) as jobs_completed,
        sum(performance.revenue_amount) as revenue_amount,
        avg(performance.utilisation_rate) as utilisation_rate,
        {{ safe_ratio('sum(performance.on_time_arrivals)', 'sum(performance.tracked_arrivals)') }}
            as on_time_arrival_rate,
        sum(performance.distance_miles) as distance_miles
    from performance
    inner join window_start on performance.work_date > window_start.start_date
    inner join technicians on performance.technician_id = technicians.technician_id
    group by technicians.technician_name, technicians.region_code, technicians.skill_level

)

select * from final
order by revenue_amount desc
limit 100
