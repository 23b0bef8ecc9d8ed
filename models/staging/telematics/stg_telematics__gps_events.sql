with

source as (

    select * from {{ source('fivetran_telematics', 'gps_events') }}

),

latest as (

    -- retried webhook deliveries land the same ping twice; keep the first delivery
    {{ deduplicate('source', partition_by='event_id', order_by='_fivetran_synced') }}

),

renamed as (

    select
        -- ids
        event_id as gps_event_id,
        technician_id,
        vehicle_id,

        -- attributes
        cast(ignition_on as {{ dbt.type_boolean() }}) as is_ignition_on,

        -- measures
        cast(latitude as {{ dbt.type_float() }}) as latitude,
        cast(longitude as {{ dbt.type_float() }}) as longitude,
        cast(speed_mph as {{ dbt.type_float() }}) as speed_mph,

        -- timestamps
        cast(event_at as {{ dbt.type_timestamp() }}) as event_at,

        -- metadata
        _fivetran_synced

    from latest

)

select * from renamed
