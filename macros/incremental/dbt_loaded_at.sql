{#- When this dbt invocation started: the one value every row written in the run carries. -#}
{% macro dbt_loaded_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
