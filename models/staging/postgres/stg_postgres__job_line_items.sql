{{
    config(
        materialized='incremental',
        unique_key='job_line_item_id',
        incremental_strategy=upsert_strategy(),
        on_schema_change='fail',
        pre_hook="{{ delete_soft_deleted_rows(source('fivetran_postgres', 'job_line_items'), {'id': 'job_line_item_id'}) }}",
    )
}}

{#
    An incremental table, not a view (about 30M job lines with their CDC history at scale 1; docs/incremental.md):
    each run deduplicates only the raw rows synced since the last one and upserts them; the
    pre-hook removes the keys Fivetran soft-deleted meanwhile. A change to this model's columns
    needs `--full-refresh`.
#}

with

source as (

    select * from {{ source('fivetran_postgres', 'job_line_items') }}
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
        id as job_line_item_id,
        job_id,

        -- attributes
        lower(line_type) as line_type,
        description as line_description,

        -- measures
        cast(quantity as numeric(18, 2)) as quantity,
        unit_price_cents,
        amount_cents,
        {{ cents_to_dollars('amount_cents') }} as amount,

        -- timestamps
        cast(created_at as {{ dbt.type_timestamp() }}) as line_created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as line_updated_at,

        -- metadata
        _fivetran_synced

    from latest
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
