with

source as (

    select * from {{ source('fivetran_postgres', 'customers') }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

renamed as (

    select
        -- ids
        id as customer_id,
        cast(region_id as {{ dbt.type_int() }}) as region_id,
        cast(salesforce_account_id as {{ dbt.type_string() }}) as salesforce_account_id,
        cast(quickbooks_customer_id as {{ dbt.type_string() }}) as quickbooks_customer_id,

        -- attributes
        first_name,
        last_name,
        company_name,
        lower(email) as customer_email,
        phone as customer_phone,
        address_line_1,
        city,
        state,
        postal_code,
        lower(customer_type) as customer_type,

        -- timestamps
        cast(created_at as {{ dbt.type_timestamp() }}) as customer_created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as customer_updated_at,

        -- metadata
        _fivetran_synced

    from latest
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
