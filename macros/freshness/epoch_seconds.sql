{# Seconds since 1970-01-01 00:00 UTC of a timestamp, whatever its time zone type. #}
{% macro epoch_seconds(timestamp) -%}
    {{ return(adapter.dispatch('epoch_seconds')(timestamp)) }}
{%- endmacro %}

{% macro default__epoch_seconds(timestamp) -%}
    date_part(epoch_second, {{ timestamp }})
{%- endmacro %}

{% macro duckdb__epoch_seconds(timestamp) -%}
    floor(epoch({{ timestamp }}))
{%- endmacro %}
