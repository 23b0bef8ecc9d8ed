{#
    What a route measures, from a technician-day's pings (`pings`: technician_id, route_date,
    gps_event_id, event_at, latitude, longitude, speed_mph, is_ignition_on, _fivetran_synced and
    is_counted, a ping whose day the stored row already sums): the legs between consecutive pings,
    in the order of time then id, so that two pings of one second make the same legs in every
    build; then per technician and day the pings, miles (haversine, in whole millionths), driving
    and idle seconds, the top speed, the first and last ping and the last ping's id. Sums are exact
    in any order, so an extended day's new legs add to its stored sums exactly
    (int_technician_daily_routes decides which pings are measured).
#}
{% macro route_day_measures(pings) -%}
    {%- set in_order = 'partition by technician_id, route_date order by event_at, gps_event_id' %}
    {%- set leg_miles = haversine_miles('previous_latitude', 'previous_longitude', 'latitude', 'longitude') %}
with

legs as (

    select
        *,
        lag(latitude) over ({{ in_order }}) as previous_latitude,
        lag(longitude) over ({{ in_order }}) as previous_longitude,
        lag(event_at) over ({{ in_order }}) as previous_event_at,
        lag(is_ignition_on) over ({{ in_order }}) as was_ignition_on,
        lag(speed_mph) over ({{ in_order }}) as previous_speed_mph,
        -- the day's last ping: in the same order as the legs, so that one sort serves both
        lead(false, 1, true) over ({{ in_order }}) as is_last_ping
    from {{ pings }}

),

measured as (

    select
        technician_id,
        route_date,
        event_at,
        speed_mph,
        is_counted,
        case when is_last_ping then gps_event_id end as last_gps_event_id,
        _fivetran_synced,
        case
            when previous_event_at is null then 0
            else cast(round({{ leg_miles }}, 6) as numeric(18, 6))
        end as leg_miles,
        case
            when previous_event_at is null then 0
            else {{ dbt.datediff('previous_event_at', 'event_at', 'second') }}
        end as leg_seconds,
        coalesce(was_ignition_on and previous_speed_mph = 0, false) as was_idling,
        coalesce(previous_speed_mph > 0, false) as was_driving
    from legs

)

select
    technician_id,
    route_date,
    count(case when not is_counted then 1 end) as ping_count,
    sum(leg_miles) as distance_miles,
    sum(case when was_driving then leg_seconds else 0 end) as driving_seconds,
    sum(case when was_idling then leg_seconds else 0 end) as idle_seconds,
    max(case when not is_counted then speed_mph end) as max_speed_mph,
    min(case when not is_counted then event_at end) as first_ping_at,
    max(event_at) as last_ping_at,
    max(last_gps_event_id) as last_gps_event_id,
    max(_fivetran_synced) as _fivetran_synced
from measured
group by technician_id, route_date
{%- endmacro %}
