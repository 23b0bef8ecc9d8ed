{# Revenue dashboard, daily chart: paid revenue per day, the last 90 days. #}

with

revenue as (

    select * from {{ ref('v_fct_revenue_rls') }}

),

dates as (

    select * from {{ ref('dim_date') }}

),

window_start as (

    select {{ dbt.dateadd('day', -90, 'max(revenue_date)') }} as start_date
    from revenue

),

final as (

    select
        dates.date_day,
        dates.day_name,
        dates.is_business_day,
        sum(revenue.total_amount) as revenue_amount,
        sum(revenue.invoice_count) as paid_invoices
    from revenue
    inner join window_start on revenue.revenue_date > window_start.start_date
    inner join dates on revenue.revenue_date = dates.date_day
    group by dates.date_day, dates.day_name, dates.is_business_day

)

select * from final
order by date_day
