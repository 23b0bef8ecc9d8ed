{#
    In prod each layer has its own database (ANALYTICS_STAGING, ANALYTICS_INTERMEDIATE,
    ANALYTICS_MARTS) so grants can be made per layer; everywhere else a single database
    (ANALYTICS_DEV, ANALYTICS_STAGING_ENV, or the local DuckDB file) holds every layer.
#}
{% macro generate_database_name(custom_database_name, node) -%}
    {%- if custom_database_name is none or target.name != 'prod' -%}
        {{ target.database | trim }}
    {%- else -%}
        analytics_{{ custom_database_name | trim }}
    {%- endif -%}
{%- endmacro %}
