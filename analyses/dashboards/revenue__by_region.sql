{# Revenue dashboard, region table: revenue per region and month, the last 12 whole months. #}

with

revenue as (

    select * from {{ ref('v_fct_revenue_rls') }}

),

-- whole months, so that every user's window starts on the same day
window_start as (

    select {{ dbt.date_trunc('month', dbt.dateadd('month', -12, 'max(revenue_date)')) }} as start_date
    from revenue

),

final as (

    select
        revenue.region_id,
        {{ dbt.date_trunc('month', 'revenue.revenue_date') }} as revenue_month,
        sum(revenue.total_amount) as revenue_amount,
        {{ safe_ratio('sum(revenue.total_amount)', 'sum(revenue.invoice_count)') }} as average_invoice_amount
    from revenue
    inner join window_start on revenue.revenue_date >= window_start.start_date
    group by revenue.region_id, {{ dbt.date_trunc('month', 'revenue.revenue_date') }}

)

select * from final
order by region_id, revenue_month
