{{ config(materialized='incremental', **base_table_config(unique_key='payment_id')) }}

{#
    The latest version of every QuickBooks payment Fivetran has landed, deleted ones kept and
    flagged (is_deleted): an incremental table (about 9M payments at scale 1) under
    stg_quickbooks__payment (docs/incremental.md). A change to this model's columns needs
    `--full-refresh`.
#}

with

source as (

    {{ raw_batch(source('fivetran_quickbooks', 'payment')) }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

changed as (

    {{ versions_not_stored('latest', {'id': 'payment_id'}) }}

),

renamed as (

    select
        -- ids
        id as payment_id,
        customer_id as quickbooks_customer_id,

        -- measures
        cast(total_amount as numeric(18, 2)) as payment_amount,

        -- timestamps
        cast(transaction_date as date) as payment_date,
        cast(created_at as {{ dbt.type_timestamp() }}) as payment_created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as payment_updated_at,

        -- metadata
        coalesce(_fivetran_deleted, false) as is_deleted,
        _fivetran_synced,
        {{ dbt_loaded_at() }} as _dbt_loaded_at

    from changed

)

select * from renamed
