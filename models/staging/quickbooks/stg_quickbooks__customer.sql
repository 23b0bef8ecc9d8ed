with

source as (

    select * from {{ source('fivetran_quickbooks', 'customer') }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

renamed as (

    select
        -- ids
        id as quickbooks_customer_id,

        -- attributes
        display_name,
        company_name,
        given_name as first_name,
        family_name as last_name,
        lower(email) as billing_email,
        phone as billing_phone,
        cast(active as {{ dbt.type_boolean() }}) as is_active,

        -- measures
        cast(balance as numeric(18, 2)) as open_balance,

        -- timestamps
        cast(created_at as {{ dbt.type_timestamp() }}) as quickbooks_customer_created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as quickbooks_customer_updated_at,

        -- metadata
        _fivetran_synced

    from latest
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
