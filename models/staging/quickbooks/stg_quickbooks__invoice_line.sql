{#- an invoice line is keyed by its invoice and its position, `index`: a reserved word -#}
{%- set line_key = 'invoice_id, ' ~ quote_identifier('index') %}
{{
    config(
        materialized='incremental',
        unique_key=['invoice_id', 'line_index'],
        incremental_strategy=upsert_strategy(),
        on_schema_change='fail',
        pre_hook="{{ delete_soft_deleted_rows(source('fivetran_quickbooks', 'invoice_line'), {'invoice_id': 'invoice_id', quote_identifier('index'): 'line_index'}) }}",
    )
}}

{#
    An incremental table, not a view (about 19M invoice lines at scale 1; docs/incremental.md):
    each run deduplicates only the raw rows synced since the last one and upserts them; the
    pre-hook removes the keys Fivetran soft-deleted meanwhile. A change to this model's columns
    needs `--full-refresh`.
#}

with

source as (

    select * from {{ source('fivetran_quickbooks', 'invoice_line') }}
    {% if is_incremental() %}
    where {{ staging_batch_filter() }}
    {% endif %}

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
