{#- Rows an input wrote after this model's last run: `column` is the input's `_dbt_loaded_at`. -#}
{% macro loaded_since_last_run(column='_dbt_loaded_at') -%}
    {{ column }} > (
        select coalesce(max(own_rows._dbt_loaded_at), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
        from {{ this }} as own_rows
    )
{%- endmacro %}
