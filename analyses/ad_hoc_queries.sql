{#
    Which service categories lose money to late arrivals? For each category and region, the
    share of tracked arrivals that were late, and the average ticket of on-time versus late jobs,
    over the last 90 days of completed jobs. Compile with `dbt compile --select ad_hoc_queries`
    and run the SQL in target/compiled/ against the warehouse.
#}

with

jobs as (

    select * from {{ ref('fct_jobs') }}

),

services as (

    select * from {{ ref('dim_services') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

recent as (

    select
        services.service_category_name,
        customers.region_name,
        jobs.is_on_time_arrival,
        jobs.total_amount
    from jobs
    inner join services
        on jobs.service_type_id = services.service_type_id
    inner join customers
        on jobs.customer_id = customers.customer_id
    where
        jobs.is_completed
        and jobs.is_on_time_arrival is not null
        and jobs.job_completed_date >= (
            select cast({{ dbt.dateadd('day', -90, 'max(job_completed_date)') }} as date) from {{ ref('fct_jobs') }}
        )

),

final as (

    select
        service_category_name,
        region_name,
        count(*) as tracked_jobs,
        {{ safe_ratio('sum(case when not is_on_time_arrival then 1 else 0 end)', 'count(*)') }} as late_share,
        avg(case when is_on_time_arrival then total_amount end) as on_time_average_ticket,
        avg(case when not is_on_time_arrival then total_amount end) as late_average_ticket
    from recent
    group by service_category_name, region_name

)

select * from final
order by late_share desc
