{{
    config(
        materialized='incremental',
        unique_key='payment_id',
        incremental_strategy=upsert_strategy(),
        on_schema_change='fail',
        pre_hook="{{ delete_soft_deleted_rows(source('fivetran_quickbooks', 'payment'), {'id': 'payment_id'}) }}",
    )
}}

{#
    An incremental table, not a view (about 9M payments at scale 1; docs/incremental.md):
    each run deduplicates only the raw rows synced since the last one and upserts them; the
    pre-hook removes the keys Fivetran soft-deleted meanwhile. A change to this model's columns
    needs `--full-refresh`.
#}

with

source as (

    select * from {{ source('fivetran_quickbooks', 'payment') }}
    {% if is_incremental() %}
    where {{ staging_batch_filter() }}
    {% endif %}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

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
        _fivetran_synced

    from latest
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
