{#
    The service catalogue with the reporting categories finance and operations group it by.
#}

with

service_types as (

    select * from {{ ref('stg_postgres__service_types') }}

),

categories as (

    select * from {{ ref('seed_service_categories') }}

),

final as (

    select
        service_types.service_type_id,
        service_types.service_category_code,
        service_types.service_type_name,
        categories.service_category_name,
        categories.revenue_group,
        categories.is_licensed_trade,
        service_types.is_active,
        service_types.base_price,
        service_types.estimated_duration_minutes,
        service_types.service_type_updated_at
    from service_types
    left join categories
        on service_types.service_category_code = categories.service_category_code

)

select * from final
