{#- an invoice line is keyed by its invoice and its position, `index`: a reserved word -#}
{%- set line_key = 'invoice_id, ' ~ quote_identifier('index') %}
{{ config(materialized='incremental', **base_table_config(unique_key=['invoice_id', 'line_index'])) }}

{#
    The latest version of every QuickBooks invoice line Fivetran has landed, deleted ones kept and
    flagged (is_deleted), so that a line deleted on its own still names its invoice: an
    incremental table (about 19M lines at scale 1) under stg_quickbooks__invoice_line
    (docs/incremental.md). A change to this model's columns needs `--full-refresh`.
#}

with

source as (

    {{ raw_batch(source('fivetran_quickbooks', 'invoice_line')) }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by=line_key, order_by='_fivetran_synced desc') }}

),

changed as (

    {{ versions_not_stored('latest', {'invoice_id': 'invoice_id', quote_identifier('index'): 'line_index'}) }}

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
        coalesce(_fivetran_deleted, false) as is_deleted,
        _fivetran_synced,
        {{ dbt_loaded_at() }} as _dbt_loaded_at

    from changed

)

select * from renamed
