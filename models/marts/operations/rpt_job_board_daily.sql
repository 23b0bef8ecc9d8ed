{#
    The operations dashboard's job board: per scheduled day, region, status and priority, the
    jobs and what they charge. Pre-aggregated, so that each dashboard load reads a few thousand
    rows through row-level security rather than joining every job to its customer's region
    (analyses/dashboards/operations__open_jobs.sql, benchmarks/bench_dashboards.py).
#}

with

jobs as (

    select * from {{ ref('fct_jobs') }}

),

board as (

    select
        jobs.job_scheduled_date as scheduled_date,
        jobs.region_id,
        jobs.job_status,
        jobs.job_priority,
        count(*) as jobs,
        sum(jobs.total_amount) as total_amount
    from jobs
    where jobs.region_id is not null
    group by jobs.job_scheduled_date, jobs.region_id, jobs.job_status, jobs.job_priority

),

final as (

    select
        -- ids
        {{ surrogate_key(['scheduled_date', 'region_id', 'job_status', 'job_priority']) }} as job_board_row_id,
        scheduled_date,
        region_id,

        -- attributes
        job_status,
        job_priority,

        -- measures
        jobs,
        total_amount

    from board

)

select * from final
