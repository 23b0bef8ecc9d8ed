{#-
    A rebuild_keys model's last CTE: in an incremental run, the rebuilt keys (`keys_cte`) with
    their new rows (`rows_cte`), a key with none left coming back once with a null
    `_dbt_loaded_at`, as the strategy expects; in a full build, the rows.
-#}
{% macro rows_of_rebuilt_keys(keys_cte, rows_cte, key) -%}
    {%- if is_incremental() -%}
        select
            {{ keys_cte }}.{{ key }},
            {{ rows_cte }}.* exclude ({{ key }})
        from {{ keys_cte }}
        left join {{ rows_cte }}
            on {{ keys_cte }}.{{ key }} is not distinct from {{ rows_cte }}.{{ key }}
    {%- else -%}
        select * from {{ rows_cte }}
    {%- endif -%}
{%- endmacro %}
