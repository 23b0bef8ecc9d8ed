with

source as (

    select * from {{ source('fivetran_postgres', 'service_types') }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

renamed as (

    select
        -- ids
        id as service_type_id,

        -- attributes
        name as service_type_name,
        upper(category_code) as service_category_code,
        cast(is_active as {{ dbt.type_boolean() }}) as is_active,

        -- measures
        base_price_cents,
        {{ cents_to_dollars('base_price_cents') }} as base_price,
        cast(estimated_duration_minutes as {{ dbt.type_int() }}) as estimated_duration_minutes,

        -- timestamps
        cast(created_at as {{ dbt.type_timestamp() }}) as service_type_created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as service_type_updated_at,

        -- metadata
        _fivetran_synced

    from latest
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
