{#
    dbt's own should_full_refresh (the --full-refresh flag, or the model's full_refresh config),
    plus: an incremental model holding another raw data set is rebuilt whole, unless it says
    `full_refresh: false`.
#}
{% macro should_full_refresh() -%}
    {%- set configured = config.get('full_refresh') -%}
    {%- if configured is none -%}
        {%- if model.config.materialized == 'incremental' and not flags.FULL_REFRESH and holds_other_raw() -%}
            {{ return(true) }}
        {%- endif -%}
        {%- set configured = flags.FULL_REFRESH -%}
    {%- endif -%}
    {{ return(configured) }}
{%- endmacro %}
