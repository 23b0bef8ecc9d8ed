{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['technician_id', 'route_date'],
        on_schema_change='sync_all_columns',
        cluster_by=['route_date', 'technician_id'],
    )
}}

{#
    One row per technician per day they drove, from the vans' GPS pings.

    Incremental by technician and day, for every day that base_telematics__gps_events received a
    ping for since this table's last run. Pings mostly arrive in order, so a day's route is
    extended rather than recomputed: the new pings, plus the leg from the last ping the row already
    counts, are added to it. A day is recomputed whole when that is not exact: when a new ping is
    earlier than the row's last ping (a van uploading late), when the row does not count every
    ping stored before it was written, or when backfill_start asks for the day. Pings are ordered
    by time, then by id, so that two pings of one second make the same legs in every build, and
    the row keeps the id of its last ping, the one leg the extension starts from. Miles are summed
    in whole millionths and time in whole seconds, so that the sums are exact in any order.
#}

with

pings as (

    select * from {{ ref('base_telematics__gps_events') }}

),

{% if is_incremental() %}

-- A read of its own, not of `pings`: DuckDB would hold every ping in memory to serve two
-- readers of one CTE, whatever the history.
written_pings as (

    select * from {{ ref('base_telematics__gps_events') }}
    where
        {{ loaded_since_last_run() }}
        or {{ backfill_filter('cast(event_at as date)') }}

),

changed_days as (

    select distinct
        technician_id,
        cast(event_at as date) as route_date
    from written_pings

),

stored_routes as (

    select stored.*
    from {{ this }} as stored
    inner join changed_days
        on
            stored.technician_id = changed_days.technician_id
            and stored.route_date = changed_days.route_date

),

{% endif %}

day_pings as (

    select
        pings.technician_id,
        cast(pings.event_at as date) as route_date,
        pings.gps_event_id,
        pings.event_at,
        pings.latitude,
        pings.longitude,
        pings.speed_mph,
        pings.is_ignition_on,
        pings._fivetran_synced,
        {% if is_incremental() -%}
        stored_routes.technician_id is null or pings._dbt_loaded_at > stored_routes._dbt_loaded_at as is_new
        {%- else -%}
        true as is_new
        {%- endif %}
    from pings
    {% if is_incremental() %}
    inner join changed_days
        on
            pings.technician_id = changed_days.technician_id
            and cast(pings.event_at as date) = changed_days.route_date
    -- sqlfluff lints one rendering, in which is_new does not read stored_routes
    left join stored_routes  -- noqa: ST11
        on
            pings.technician_id = stored_routes.technician_id
            and cast(pings.event_at as date) = stored_routes.route_date
    -- one bound on the column itself, so that the scan skips the (micro-)partitions of older
    -- days rather than joining every ping ever stored
    where
        pings.event_at >= (
            select cast(min(touched.route_date) as {{ dbt.type_timestamp() }}) from changed_days as touched
        )
    {% endif %}

),

{% if is_incremental() %}

-- Per changed day: is the stored row still exact (every ping stored before it was written
-- counted), and do the new pings all come after its last ping?
arrivals as (

    select
        day_pings.technician_id,
        day_pings.route_date,
        count(case when not day_pings.is_new then 1 end) as counted_pings,
        min(case when day_pings.is_new then day_pings.event_at end) as first_new_ping_at
    from day_pings
    group by day_pings.technician_id, day_pings.route_date

),

-- stored rows that still count every ping stored before they were written (and are not backfilled)
exact_routes as (

    select
        stored_routes.*,
        arrivals.first_new_ping_at
    from stored_routes
    inner join arrivals
        on
            stored_routes.technician_id = arrivals.technician_id
            and stored_routes.route_date = arrivals.route_date
    where
        stored_routes.ping_count = arrivals.counted_pings
        and not {{ backfill_filter('stored_routes.route_date') }}

),

-- extended: all their new pings come after their last one
extended_routes as (

    select * from exact_routes
    where last_ping_at < first_new_ping_at

),

{% endif %}

-- the pings to measure: all of a recomputed day; the new ones of an extended day, after the
-- last ping it already counts (kept, not counted again, for the leg that leads from it); none
-- of a day the look-back re-read that received nothing new
measured_pings as (

    select
        day_pings.*,
        {% if is_incremental() -%}
        -- the stored pings of an extended day are in its stored sums already
        coalesce(exact_routes.last_ping_at < exact_routes.first_new_ping_at, false)
        and not day_pings.is_new as is_counted
        {%- else -%}
        false as is_counted
        {%- endif %}
    from day_pings
    {% if is_incremental() %}
    left join exact_routes
        on
            day_pings.technician_id = exact_routes.technician_id
            and day_pings.route_date = exact_routes.route_date
    where
        exact_routes.technician_id is null
        or exact_routes.first_new_ping_at <= exact_routes.last_ping_at
        or day_pings.is_new
        or (
            exact_routes.last_ping_at < exact_routes.first_new_ping_at
            and day_pings.gps_event_id = exact_routes.last_gps_event_id
        )
    {% endif %}

),

-- what the measured pings add up to per technician and day (legs, miles, driving and idle time)
measured_days as (

    {{ route_day_measures('measured_pings') }}

),

combined as (

    {% if is_incremental() %}
    select
        measured_days.technician_id,
        measured_days.route_date,
        coalesce(extended_routes.ping_count, 0) + measured_days.ping_count as ping_count,
        coalesce(extended_routes.distance_miles, 0) + measured_days.distance_miles as distance_miles,
        coalesce(extended_routes.driving_seconds, 0) + measured_days.driving_seconds as driving_seconds,
        coalesce(extended_routes.idle_seconds, 0) + measured_days.idle_seconds as idle_seconds,
        -- greatest() of a null is null on Snowflake (DuckDB skips it): never give it one
        greatest(
            coalesce(extended_routes.max_speed_mph, measured_days.max_speed_mph),
            coalesce(measured_days.max_speed_mph, extended_routes.max_speed_mph)
        ) as max_speed_mph,
        coalesce(extended_routes.first_ping_at, measured_days.first_ping_at) as first_ping_at,
        measured_days.last_ping_at,
        measured_days.last_gps_event_id,
        greatest(
            coalesce(extended_routes._fivetran_synced, measured_days._fivetran_synced), measured_days._fivetran_synced
        ) as _fivetran_synced
    from measured_days
    left join extended_routes
        on
            measured_days.technician_id = extended_routes.technician_id
            and measured_days.route_date = extended_routes.route_date
    {% else %}
    select * from measured_days
    {% endif %}

),

final as (

    select
        -- ids
        technician_id,
        route_date,
        last_gps_event_id,

        -- measures
        ping_count,
        cast(distance_miles as numeric(18, 6)) as distance_miles,
        cast(driving_seconds as {{ dbt.type_bigint() }}) as driving_seconds,
        cast(idle_seconds as {{ dbt.type_bigint() }}) as idle_seconds,
        cast(round(driving_seconds / 60.0, 2) as numeric(18, 2)) as driving_minutes,
        cast(round(idle_seconds / 60.0, 2) as numeric(18, 2)) as idle_minutes,
        max_speed_mph,

        -- timestamps
        first_ping_at,
        last_ping_at,

        -- metadata
        _fivetran_synced,
        {{ dbt_loaded_at() }} as _dbt_loaded_at

    from combined

)

select * from final
