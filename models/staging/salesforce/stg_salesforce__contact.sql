with

source as (

    select * from {{ source('fivetran_salesforce', 'contact') }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

renamed as (

    select
        -- ids
        id as contact_id,
        account_id,

        -- attributes
        first_name,
        last_name,
        lower(email) as contact_email,
        phone as contact_phone,
        title,

        -- timestamps
        cast(created_date as {{ dbt.type_timestamp() }}) as contact_created_at,
        cast(system_modstamp as {{ dbt.type_timestamp() }}) as contact_modified_at,

        -- metadata
        _fivetran_synced

    from latest
    where not coalesce(is_deleted, false)

)

select * from renamed
