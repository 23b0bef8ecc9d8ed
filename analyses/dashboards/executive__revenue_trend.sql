{# Executive dashboard, trend chart: paid revenue and invoices per month, the last 24 whole months. #}

with

revenue as (

    select * from {{ ref('v_fct_revenue_rls') }}

),

-- whole months, so that every user's window starts on the same day
window_start as (

    select {{ dbt.date_trunc('month', dbt.dateadd('month', -24, 'max(revenue_date)')) }} as start_date
    from revenue

),

final as (

    select
        {{ dbt.date_trunc('month', 'revenue.revenue_date') }} as revenue_month,
        sum(revenue.total_amount) as revenue_amount,
        sum(revenue.invoice_count) as paid_invoices
    from revenue
    inner join window_start on revenue.revenue_date >= window_start.start_date
    group by {{ dbt.date_trunc('month', 'revenue.revenue_date') }}

)

select * from final
order by revenue_month
