{# Executive dashboard, customer tile: customers per lifecycle stage and type, with lifetime revenue. #}

with

customers as (

    select * from {{ ref('v_dim_customers_rls') }}

),

final as (

    select
        lifecycle_stage,
        customer_type,
        count(*) as customers,
        sum(lifetime_revenue) as lifetime_revenue
    from customers
    group by lifecycle_stage, customer_type

)

select * from final
order by lifecycle_stage, customer_type
