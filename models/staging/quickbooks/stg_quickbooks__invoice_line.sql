{#- an invoice line is keyed by its invoice and its position, `index`: a reserved word -#}
{%- set line_key = 'invoice_id, ' ~ quote_identifier('index') %}
with

source as (

    select * from {{ source('fivetran_quickbooks', 'invoice_line') }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by=line_key, order_by='_fivetran_synced desc') }}

),

renamed as (

    select
        -- ids
        invoice_id,
        {{ quote_identifier('index') }} as line_index,
        sales_item_item_id as item_id,

        -- attributes
        description as line_description,
        detail_type,

        -- measures
        cast(amount as numeric(18, 2)) as amount,
        cast(sales_item_quantity as numeric(18, 2)) as quantity,
        cast(sales_item_unit_price as numeric(18, 2)) as unit_price,

        -- metadata
        _fivetran_synced

    from latest
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
