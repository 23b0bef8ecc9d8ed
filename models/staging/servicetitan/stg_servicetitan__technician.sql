with

source as (

    select * from {{ source('fivetran_servicetitan', 'technician') }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

renamed as (

    select
        -- ids
        id as servicetitan_technician_id,
        {{ dbt.safe_cast('employee_id', dbt.type_bigint()) }} as technician_id,
        business_unit_id,

        -- attributes
        name as technician_name,
        cast(active as {{ dbt.type_boolean() }}) as is_active,

        -- timestamps
        cast(created_on as {{ dbt.type_timestamp() }}) as servicetitan_technician_created_at,
        cast(modified_on as {{ dbt.type_timestamp() }}) as servicetitan_technician_modified_at,

        -- metadata
        _fivetran_synced

    from latest
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
