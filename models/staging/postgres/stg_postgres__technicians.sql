with

source as (

    select * from {{ source('fivetran_postgres', 'technicians') }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

renamed as (

    select
        -- ids
        id as technician_id,
        cast(region_id as {{ dbt.type_int() }}) as region_id,

        -- attributes
        first_name,
        last_name,
        lower(email) as technician_email,
        phone as technician_phone,
        lower(skill_level) as skill_level,
        cast(is_active as {{ dbt.type_boolean() }}) as is_active,

        -- measures
        hourly_rate_cents,
        {{ cents_to_dollars('hourly_rate_cents') }} as hourly_rate,

        -- timestamps
        cast(hired_on as date) as hired_date,
        cast(terminated_on as date) as terminated_date,
        cast(created_at as {{ dbt.type_timestamp() }}) as technician_created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as technician_updated_at,

        -- metadata
        _fivetran_synced

    from latest
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
