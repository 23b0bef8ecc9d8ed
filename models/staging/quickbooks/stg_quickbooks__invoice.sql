{{
    config(
        materialized='incremental',
        unique_key='invoice_id',
        incremental_strategy=upsert_strategy(),
        on_schema_change='fail',
        pre_hook="{{ delete_soft_deleted_rows(source('fivetran_quickbooks', 'invoice'), {'id': 'invoice_id'}) }}",
    )
}}

{#
    An incremental table, not a view (about 9M invoices and their CDC history at scale 1; docs/incremental.md):
    each run deduplicates only the raw rows synced since the last one and upserts them; the
    pre-hook removes the keys Fivetran soft-deleted meanwhile. A change to this model's columns
    needs `--full-refresh`.
#}

with

source as (

    select * from {{ source('fivetran_quickbooks', 'invoice') }}
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
