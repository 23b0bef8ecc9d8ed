{# Revenue dashboard, service breakdown: revenue per service category and type, this fiscal year. #}

with

revenue as (

    select * from {{ ref('v_fct_revenue_rls') }}

),

services as (

    select * from {{ ref('dim_services') }}

),

dates as (

    select * from {{ ref('dim_date') }}

),

this_year as (

    select dates.fiscal_year
    from dates
    where dates.date_day = (select max(latest.revenue_date) from revenue as latest)

),

final as (

    select
        services.service_category_name,
        services.service_type_name,
        sum(revenue.total_amount) as revenue_amount,
        sum(revenue.service_amount) as service_amount,
        sum(revenue.materials_amount) as materials_amount,
        sum(revenue.invoice_count) as paid_invoices
    from revenue
    inner join services on revenue.service_type_id = services.service_type_id
    inner join dates on revenue.revenue_date = dates.date_day
    inner join this_year on dates.fiscal_year = this_year.fiscal_year
    group by services.service_category_name, services.service_type_name

)

select * from final
order by revenue_amount desc
