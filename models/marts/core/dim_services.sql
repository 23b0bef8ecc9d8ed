{{ config(grants=sigma_readable_grants()) }}

with

service_catalog as (

    select * from {{ ref('int_service_catalog') }}

),

final as (

    select
        -- ids
        service_type_id,
        service_category_code,

        -- attributes
        service_type_name,
        service_category_name,
        revenue_group,
        is_licensed_trade,
        is_active,

        -- measures
        base_price,
        estimated_duration_minutes,

        -- timestamps
        service_type_updated_at

    from service_catalog

)

select * from final
