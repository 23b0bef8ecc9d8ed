{#
    Each customer's job history and where they stand in their lifecycle. "Now" is the latest job
    activity in the data, not the wall clock, so a rebuild of the same data gives the same stages.
#}

with

jobs as (

    select * from {{ ref('int_jobs_enriched') }}
    where not is_deleted

),

as_of as (

    select max(job_updated_at) as as_of_at from jobs

),

history as (

    select
        customer_id,
        count(*) as lifetime_jobs,
        count(case when is_completed then 1 end) as completed_jobs,
        sum(case when is_completed then total_amount else 0 end) as lifetime_revenue,
        min(job_created_at) as first_job_at,
        max(job_created_at) as last_job_at
    from jobs
    group by customer_id

),

final as (

    select
        history.customer_id,
        history.lifetime_jobs,
        history.completed_jobs,
        history.lifetime_revenue,
        history.first_job_at,
        history.last_job_at,
        case
            when {{ dbt.datediff('history.first_job_at', 'as_of.as_of_at', 'day') }} <= 90 then 'new'
            when {{ dbt.datediff('history.last_job_at', 'as_of.as_of_at', 'day') }} <= 365 then 'active'
            else 'lapsed'
        end as lifecycle_stage
    from history
    cross join as_of

)

select * from final
