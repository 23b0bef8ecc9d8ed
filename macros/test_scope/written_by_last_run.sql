{#- The rows of `relation` that its last run wrote. -#}
{% macro written_by_last_run(relation) -%}
    _dbt_loaded_at = (select max(last_run._dbt_loaded_at) from {{ relation }} as last_run)
{%- endmacro %}
