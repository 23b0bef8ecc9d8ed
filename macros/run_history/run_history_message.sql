{#- The first line of a message, as the alerts quote it; long enough for dbt's error headers. -#}
{% macro run_history_message(message) -%}
    {%- if message is none or message is undefined -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set lines = (message | string).strip().splitlines() -%}
    {{ return((lines[0] if lines else '')[:500]) }}
{%- endmacro %}
