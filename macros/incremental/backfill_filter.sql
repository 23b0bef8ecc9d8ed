{% macro backfill_filter(business_column) -%}
    {%- if var('backfill_start') -%}
        {{ business_column }} >= cast('{{ var("backfill_start") }}' as date)
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}
