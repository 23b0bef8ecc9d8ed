{#
    Seconds of active time from 1970-01-01 to `timestamp`, for a daily window of UTC hours
    [start, end). Counted from the window's first start, each day adds the window's length and
    the current day adds how far into the window it is: a monotonic clock that stands still
    outside the window, so the difference of two readings is the active time between them.
#}
{% macro active_seconds_since_epoch(timestamp, start, end) -%}
    {%- set window_seconds = ((end - start) % 24) * 3600 -%}
    {%- set shifted = '(' ~ epoch_seconds(timestamp) ~ ' - ' ~ start * 3600 ~ ')' -%}
    (floor({{ shifted }} / 86400) * {{ window_seconds }}
        + least({{ shifted }} - floor({{ shifted }} / 86400) * 86400, {{ window_seconds }}))
{%- endmacro %}
