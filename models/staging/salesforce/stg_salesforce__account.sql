with

source as (

    select * from {{ source('fivetran_salesforce', 'account') }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

renamed as (

    select
        -- ids
        id as account_id,
        {{ dbt.safe_cast('external_customer_id_c', dbt.type_bigint()) }} as customer_id,
        owner_id as owner_user_id,

        -- attributes
        name as account_name,
        type as account_type,
        industry,
        billing_street,
        billing_city,
        billing_state,
        billing_postal_code,
        phone as account_phone,

        -- measures
        cast(annual_revenue as numeric(18, 2)) as annual_revenue,
        cast(number_of_employees as {{ dbt.type_int() }}) as number_of_employees,

        -- timestamps
        cast(created_date as {{ dbt.type_timestamp() }}) as account_created_at,
        cast(system_modstamp as {{ dbt.type_timestamp() }}) as account_modified_at,

        -- metadata
        _fivetran_synced

    from latest
    where not coalesce(is_deleted, false)

)

select * from renamed
