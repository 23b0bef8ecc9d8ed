with

source as (

    select * from {{ source('fivetran_servicetitan', 'invoice') }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

renamed as (

    select
        -- ids
        id as servicetitan_invoice_id,
        job_id as servicetitan_job_id,

        -- attributes
        number as invoice_number,

        -- measures
        cast(sub_total as numeric(18, 2)) as sub_total,
        cast(sales_tax as numeric(18, 2)) as sales_tax,
        cast(total as numeric(18, 2)) as total_amount,

        -- timestamps
        cast(invoice_date as date) as invoice_date,
        cast(created_on as {{ dbt.type_timestamp() }}) as servicetitan_invoice_created_at,
        cast(modified_on as {{ dbt.type_timestamp() }}) as servicetitan_invoice_modified_at,

        -- metadata
        _fivetran_synced

    from latest
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
