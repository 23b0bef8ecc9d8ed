{{ config(materialized='incremental', **base_table_config(unique_key='invoice_id')) }}

{#
    The latest version of every QuickBooks invoice Fivetran has landed, deleted (voided) ones kept
    and flagged (is_deleted): an incremental table (about 9M invoices at scale 1) under
    stg_quickbooks__invoice (docs/incremental.md). A change to this model's columns needs
    `--full-refresh`.
#}

with

source as (

    {{ raw_batch(source('fivetran_quickbooks', 'invoice')) }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

changed as (

    {{ versions_not_stored('latest', {'id': 'invoice_id'}) }}

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
        coalesce(_fivetran_deleted, false) as is_deleted,
        _fivetran_synced,
        {{ dbt_loaded_at() }} as _dbt_loaded_at

    from changed

)

select * from renamed
