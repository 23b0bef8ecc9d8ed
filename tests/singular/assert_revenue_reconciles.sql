{#
    The certified revenue number agrees with the finance system: fct_revenue is within 1% of
    QuickBooks' paid invoices, in total and for each of the last 30 days that have revenue.
    Returns the periods that disagree.
#}

with

mart as (

    select
        revenue_date,
        sum(total_amount) as dbt_revenue
    from {{ ref('fct_revenue') }}
    group by revenue_date

),

quickbooks as (

    select
        invoice_date as revenue_date,
        sum(total_amount) as source_revenue
    from {{ ref('stg_quickbooks__invoice') }}
    where balance = 0
    group by invoice_date

),

daily as (

    select
        cast(coalesce(mart.revenue_date, quickbooks.revenue_date) as {{ dbt.type_string() }}) as period,
        coalesce(mart.dbt_revenue, 0) as dbt_revenue,
        coalesce(quickbooks.source_revenue, 0) as source_revenue
    from mart
    full outer join quickbooks
        on mart.revenue_date = quickbooks.revenue_date
    qualify row_number() over (order by coalesce(mart.revenue_date, quickbooks.revenue_date) desc) <= 30

),

overall as (

    select
        'all time' as period,
        (select sum(dbt_revenue) from mart) as dbt_revenue,
        (select sum(source_revenue) from quickbooks) as source_revenue

),

compared as (

    select * from daily
    union all
    select * from overall

)

select
    period,
    dbt_revenue,
    source_revenue,
    abs(dbt_revenue - source_revenue) as variance
from compared
where abs(dbt_revenue - source_revenue) > 0.01 * abs(source_revenue)
