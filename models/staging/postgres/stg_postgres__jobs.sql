{{
    config(
        materialized='incremental',
        unique_key='job_id',
        incremental_strategy=upsert_strategy(),
        on_schema_change='fail',
        pre_hook="{{ delete_soft_deleted_rows(source('fivetran_postgres', 'jobs'), {'id': 'job_id'}) }}",
    )
}}

{#
    An incremental table, not a view (about 10M jobs with their CDC history at scale 1; docs/incremental.md):
    each run deduplicates only the raw rows synced since the last one and upserts them; the
    pre-hook removes the keys Fivetran soft-deleted meanwhile. A change to this model's columns
    needs `--full-refresh`.
#}

with

source as (

    select * from {{ source('fivetran_postgres', 'jobs') }}
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
        _fivetran_synced

    from latest
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
