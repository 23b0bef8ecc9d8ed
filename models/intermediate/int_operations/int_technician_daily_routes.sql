{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='route_date',
        on_schema_change='sync_all_columns',
        cluster_by=['route_date', 'technician_id'],
    )
}}

{#
    One row per technician per day they drove, from the vans' GPS pings. Incremental by day:
    a run recomputes every day that received pings since the high-water mark (less the look-back),
    whole, so pings uploaded days late (a van out of coverage) land in the right day.
#}

with

pings as (

    select * from {{ ref('stg_telematics__gps_events') }}

),

{% if is_incremental() %}

changed_days as (

    select distinct cast(event_at as date) as route_date
    from pings
    where {{ incremental_lookback_filter() }}
        or {{ backfill_filter('cast(event_at as date)') }}

),

{% endif %}

day_pings as (

    select
        technician_id,
        cast(event_at as date) as route_date,
        event_at,
        latitude,
        longitude,
        speed_mph,
        is_ignition_on,
        _fivetran_synced
    from pings
    {% if is_incremental() %}
    where cast(event_at as date) in (select changed_days.route_date from changed_days)
    {% endif %}

),

legs as (

    select
        *,
        lag(latitude) over (partition by technician_id, route_date order by event_at) as previous_latitude,
        lag(longitude) over (partition by technician_id, route_date order by event_at) as previous_longitude,
        lag(event_at) over (partition by technician_id, route_date order by event_at) as previous_event_at,
        lag(is_ignition_on) over (partition by technician_id, route_date order by event_at) as was_ignition_on,
        lag(speed_mph) over (partition by technician_id, route_date order by event_at) as previous_speed_mph
    from day_pings

),

measured as (

    select
        technician_id,
        route_date,
        event_at,
        speed_mph,
        _fivetran_synced,
        case
            when previous_event_at is null then 0
            else {{ haversine_miles('previous_latitude', 'previous_longitude', 'latitude', 'longitude') }}
        end as leg_miles,
        case
            when previous_event_at is null then 0
            else {{ dbt.datediff('previous_event_at', 'event_at', 'second') }}
        end as leg_seconds,
        coalesce(was_ignition_on and previous_speed_mph = 0, false) as was_idling,
        coalesce(previous_speed_mph > 0, false) as was_driving
    from legs

),

final as (

    select
        -- ids
        technician_id,
        route_date,

        -- measures
        count(*) as ping_count,
        cast(round(sum(leg_miles), 3) as numeric(18, 3)) as distance_miles,
        cast(round(sum(case when was_driving then leg_seconds else 0 end) / 60.0, 2) as numeric(18, 2))
            as driving_minutes,
        cast(round(sum(case when was_idling then leg_seconds else 0 end) / 60.0, 2) as numeric(18, 2))
            as idle_minutes,
        max(speed_mph) as max_speed_mph,

        -- timestamps
        min(event_at) as first_ping_at,
        max(event_at) as last_ping_at,

        -- metadata
        max(_fivetran_synced) as _fivetran_synced

    from measured
    group by technician_id, route_date

)

select * from final
