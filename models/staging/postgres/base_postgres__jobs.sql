{{ config(materialized='incremental', **base_table_config(unique_key='job_id')) }}

{#
    The latest version of every job Fivetran has landed, deleted ones kept and flagged
    (is_deleted): an incremental table (about 10M jobs with their CDC history at scale 1), from
    which stg_postgres__jobs reads the live jobs and incremental models downstream read what
    changed, deletions included (docs/incremental.md). Each run deduplicates only the raw rows
    synced since the last one and writes the versions it does not hold yet. A change to this
    model's columns needs `--full-refresh`.
#}

with

source as (

    {{ raw_batch(source('fivetran_postgres', 'jobs')) }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

changed as (

    {{ versions_not_stored('latest', {'id': 'job_id'}) }}

),

renamed as (

    select
        -- ids
        id as job_id,
        customer_id,
        technician_id,
        service_type_id,

        -- attributes
        lower(status) as job_status,
        lower(priority) as job_priority,

        -- measures
        total_amount_cents,
        {{ cents_to_dollars('total_amount_cents') }} as total_amount,

        -- timestamps
        cast(scheduled_at as {{ dbt.type_timestamp() }}) as job_scheduled_at,
        cast(started_at as {{ dbt.type_timestamp() }}) as job_started_at,
        cast(completed_at as {{ dbt.type_timestamp() }}) as job_completed_at,
        cast(created_at as {{ dbt.type_timestamp() }}) as job_created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as job_updated_at,

        -- metadata
        coalesce(_fivetran_deleted, false) as is_deleted,
        _fivetran_synced,
        {{ dbt_loaded_at() }} as _dbt_loaded_at

    from changed

)

select * from renamed
