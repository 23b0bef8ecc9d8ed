{{
    config(materialized='incremental', **base_table_config(
        tmp_relation_type='view',
        pre_hook="{{ delete_later_deliveries(source('fivetran_telematics', 'gps_events'), 'event_id', 'gps_event_id') }}",
    ))
}}

{#
    Every GPS ping Fivetran has landed, first delivery only: an incremental table (tens of millions
    of pings a day; docs/incremental.md) under stg_telematics__gps_events. Pings are never updated
    or deleted, only delivered again by a retried webhook: each run appends the pings synced since
    the last run that the table does not hold yet (and a first delivery committed after its retry
    was read replaces the retry: pre-hook). A change to this model's columns needs
    `--full-refresh`.
#}

with

source as (

    {{ raw_batch(source('fivetran_telematics', 'gps_events')) }}

),

latest as (

    -- retried webhook deliveries land the same ping twice; keep the first delivery
    {{ first_deliveries('source', 'event_id') }}

),

{% if is_incremental() %}

-- A retried delivery repeats its ping's event_at, so only the pings stored in the hours the
-- batch has events in can be delivered again: whatever the history, the join builds on the
-- last hours' pings (and a late van's), not on the whole table. The bound on the column itself
-- lets the scan skip the row groups (micro-partitions) of older hours; the hour test alone
-- reads every stored ping's time.
stored as (

    {%- set event_hour = dbt.date_trunc('hour', 'cast(source.event_at as ' ~ dbt.type_timestamp() ~ ')') %}
    select gps_event_id from {{ this }}
    where
        event_at >= (select min({{ event_hour }}) from source)
        and {{ dbt.date_trunc('hour', 'event_at') }} in (
            select distinct {{ event_hour }} from source
        )

),

{% endif %}

renamed as (

    select
        -- ids
        event_id as gps_event_id,
        technician_id,
        vehicle_id,

        -- attributes
        cast(ignition_on as {{ dbt.type_boolean() }}) as is_ignition_on,

        -- measures: 64-bit floats on both targets (dbt.type_float() is 32-bit on DuckDB)
        cast(latitude as double precision) as latitude,
        cast(longitude as double precision) as longitude,
        cast(speed_mph as double precision) as speed_mph,

        -- timestamps
        cast(event_at as {{ dbt.type_timestamp() }}) as event_at,

        -- metadata
        _fivetran_synced,
        {{ dbt_loaded_at() }} as _dbt_loaded_at

    from latest
    {% if is_incremental() %}
    where not exists (select 1 from stored where stored.gps_event_id = latest.event_id)
    {% endif %}

)

select * from renamed
