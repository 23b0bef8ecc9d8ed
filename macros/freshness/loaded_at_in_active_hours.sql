{#
    Freshness for a stream that is quiet by design outside its working hours: the vans' GPS
    pings stop when the vans park. Its age is counted on a clock that runs only while deliveries
    are expected (`active_hours`, UTC hours {start, end}; end may be past midnight), so
    `dbt source freshness` neither pages every night nor misses a connector that broke: a stream
    that stops at 15:00 is stale by its error threshold of active time later, and one that stops
    at 23:30 is stale that many active hours into the next morning (docs/freshness.md).

    Used as the table's `loaded_at_query`: it returns "now minus the active time since the last
    row landed", so dbt's age (now minus that) is the active age and the thresholds keep their
    plain meaning.
#}
{% macro loaded_at_in_active_hours(loaded_at_field, active_hours) %}
    {%- set start, end = active_hours.get('start'), active_hours.get('end') -%}
    {%- if start is not integer or end is not integer or start == end
        or start < 0 or start > 23 or end < 0 or end > 23 -%}
        {{ exceptions.raise_compiler_error(
            "active_hours must be {start: H, end: H} with two different whole UTC hours 0-23, got "
            ~ active_hours) }}
    {%- endif -%}
    {%- set now = dbt.current_timestamp() -%}
    with last_landed as (

        select max({{ loaded_at_field }}) as landed_at
        from {{ this }}

    ),

    active_age as (

        select
            {{ active_seconds_since_epoch(now, start, end) }}
            - {{ active_seconds_since_epoch('landed_at', start, end) }} as active_seconds
        from last_landed

    )

    select {{ dbt.dateadd('second', '-active_seconds', now) }} as max_loaded_at
    from active_age
{%- endmacro %}
