with

source as (

    select * from {{ source('fivetran_salesforce', 'case') }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

renamed as (

    select
        -- ids
        id as case_id,
        account_id,
        contact_id,

        -- attributes
        case_number,
        subject,
        status as case_status,
        priority as case_priority,
        origin as case_origin,
        cast(is_closed as {{ dbt.type_boolean() }}) as is_closed,

        -- timestamps
        cast(created_date as {{ dbt.type_timestamp() }}) as case_created_at,
        cast(closed_date as {{ dbt.type_timestamp() }}) as case_closed_at,
        cast(system_modstamp as {{ dbt.type_timestamp() }}) as case_modified_at,

        -- metadata
        _fivetran_synced

    from latest
    where not coalesce(is_deleted, false)

)

select * from renamed
