{# Operations dashboard, job board: jobs per status and priority scheduled in the last 7 days. #}

with

jobs as (

    select * from {{ ref('v_fct_jobs_rls') }}

),

window_start as (

    select {{ dbt.dateadd('day', -7, 'max(job_scheduled_date)') }} as start_date
    from jobs

),

final as (

    select
        jobs.job_scheduled_date,
        jobs.job_status,
        jobs.job_priority,
        count(*) as jobs,
        sum(jobs.total_amount) as total_amount
    from jobs
    inner join window_start on jobs.job_scheduled_date >= window_start.start_date
    group by jobs.job_scheduled_date, jobs.job_status, jobs.job_priority

)

select * from final
order by job_scheduled_date, job_status, job_priority
