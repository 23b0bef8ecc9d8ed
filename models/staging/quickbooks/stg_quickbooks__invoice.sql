with

source as (

    select * from {{ source('fivetran_quickbooks', 'invoice') }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

renamed as (

    select
        -- ids
        id as invoice_id,
        customer_id as quickbooks_customer_id,

        -- attributes
        doc_number,

        -- measures
        cast(total_amount as numeric(18, 2)) as total_amount,
        cast(balance as numeric(18, 2)) as balance,

        -- timestamps
        cast(transaction_date as date) as invoice_date,
        cast(due_date as date) as due_date,
        cast(created_at as {{ dbt.type_timestamp() }}) as invoice_created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as invoice_updated_at,

        -- metadata
        _fivetran_synced

    from latest
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
