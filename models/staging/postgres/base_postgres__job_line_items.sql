{{ config(materialized='incremental', **base_table_config(unique_key='job_line_item_id')) }}

{#
    The latest version of every job line Fivetran has landed, deleted ones kept and flagged
    (is_deleted), so that a line deleted on its own still names its job: an incremental table
    (about 30M lines with their CDC history at scale 1) under stg_postgres__job_line_items
    (docs/incremental.md). A change to this model's columns needs `--full-refresh`.
#}

with

source as (

    {{ raw_batch(source('fivetran_postgres', 'job_line_items')) }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

changed as (

    {{ versions_not_stored('latest', {'id': 'job_line_item_id'}) }}

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
        coalesce(_fivetran_deleted, false) as is_deleted,
        _fivetran_synced,
        {{ dbt_loaded_at() }} as _dbt_loaded_at

    from changed

)

select * from renamed
