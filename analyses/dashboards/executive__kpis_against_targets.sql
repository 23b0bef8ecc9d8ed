{#
    Executive dashboard, KPI tiles: the latest month with actuals and the year to date per region, revenue and
    completed jobs against finance's targets. What Sigma sends, through the row-level-security view
    (benchmarks/bench_dashboards.py runs it as a regional user and as an admin).
#}

with

summary as (

    select * from {{ ref('v_rpt_executive_summary_rls') }}

),

-- the latest month with actuals: finance's sheet holds targets for months still to come
latest as (

    select max(report_month) as report_month
    from summary
    where paid_invoices > 0 or jobs_completed > 0

),

final as (

    select
        summary.region_code,
        summary.region_name,
        max(latest.report_month) as latest_month,
        sum(case when summary.report_month = latest.report_month then summary.revenue_amount end) as month_revenue,
        sum(case when summary.report_month = latest.report_month then summary.revenue_target end) as month_target,
        sum(summary.revenue_amount) as ytd_revenue,
        sum(summary.revenue_target) as ytd_target,
        {{ safe_ratio('sum(summary.revenue_amount)', 'sum(summary.revenue_target)') }} as ytd_revenue_attainment,
        sum(summary.jobs_completed) as ytd_jobs_completed,
        sum(summary.jobs_target) as ytd_jobs_target,
        {{ safe_ratio('sum(summary.jobs_completed)', 'sum(summary.jobs_target)') }} as ytd_jobs_attainment,
        sum(summary.new_customers) as ytd_new_customers
    from summary
    cross join latest
    where
        summary.report_month >= {{ dbt.date_trunc('year', 'latest.report_month') }}
        and summary.report_month <= latest.report_month
    group by summary.region_code, summary.region_name

)

select * from final
order by region_code
