{#
    The executives' monthly view per region: paid revenue and completed jobs against the targets
    finance keeps in Google Sheets, and new customers won.
#}

with

revenue as (

    select * from {{ ref('fct_revenue') }}

),

jobs as (

    select * from {{ ref('fct_jobs') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

targets as (

    select * from {{ ref('fct_revenue_targets') }}

),

regions as (

    select * from {{ ref('seed_regions') }}

),

monthly_revenue as (

    select
        cast({{ dbt.date_trunc('month', 'revenue_date') }} as date) as report_month,
        region_id,
        sum(total_amount) as revenue_amount,
        cast(sum(invoice_count) as {{ dbt.type_bigint() }}) as paid_invoices
    from revenue
    group by 1, 2

),

monthly_jobs as (

    select
        cast({{ dbt.date_trunc('month', 'jobs.job_completed_date') }} as date) as report_month,
        jobs.region_id,
        count(*) as jobs_completed
    from jobs
    where jobs.is_completed and jobs.region_id is not null
    group by 1, 2

),

monthly_new_customers as (

    select
        cast({{ dbt.date_trunc('month', 'first_job_at') }} as date) as report_month,
        region_id,
        count(*) as new_customers
    from customers
    where first_job_at is not null
    group by 1, 2

),

monthly_targets as (

    select
        target_month as report_month,
        region_id,
        revenue_target,
        jobs_target
    from targets

),

months as (

    select
        report_month,
        region_id
    from monthly_revenue
    union distinct
    select
        report_month,
        region_id
    from monthly_jobs
    union distinct
    select
        report_month,
        region_id
    from monthly_new_customers
    union distinct
    select
        report_month,
        region_id
    from monthly_targets

),

final as (

    select
        -- ids
        {{ surrogate_key(['months.report_month', 'months.region_id']) }} as executive_month_id,
        months.report_month,
        months.region_id,

        -- attributes
        regions.region_code,
        regions.region_name,

        -- measures
        coalesce(monthly_revenue.revenue_amount, 0) as revenue_amount,
        monthly_targets.revenue_target,
        {{ safe_ratio('monthly_revenue.revenue_amount', 'monthly_targets.revenue_target') }} as revenue_attainment,
        coalesce(monthly_revenue.paid_invoices, 0) as paid_invoices,
        coalesce(monthly_jobs.jobs_completed, 0) as jobs_completed,
        monthly_targets.jobs_target,
        {{ safe_ratio('monthly_jobs.jobs_completed', 'monthly_targets.jobs_target') }} as jobs_attainment,
        coalesce(monthly_new_customers.new_customers, 0) as new_customers,
        {{ safe_ratio('monthly_revenue.revenue_amount', 'monthly_revenue.paid_invoices', 2) }}
            as average_invoice_amount

    from months
    left join monthly_revenue
        on months.report_month = monthly_revenue.report_month and months.region_id = monthly_revenue.region_id
    left join monthly_jobs
        on months.report_month = monthly_jobs.report_month and months.region_id = monthly_jobs.region_id
    left join monthly_new_customers
        on
            months.report_month = monthly_new_customers.report_month
            and months.region_id = monthly_new_customers.region_id
    left join monthly_targets
        on months.report_month = monthly_targets.report_month and months.region_id = monthly_targets.region_id
    left join regions
        on months.region_id = regions.region_id
    where months.report_month is not null

)

select * from final
