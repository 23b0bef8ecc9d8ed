{#
    The strategy per target for base tables, whose keys never disappear (a deletion is a row):
    Snowflake merges (one statement, pruned by micro-partitions); DuckDB deletes the changed keys
    and inserts them again, which is cheaper there than MERGE. The result is the same row for row.
#}
{% macro upsert_strategy() -%}
    {{ return(adapter.dispatch('upsert_strategy', 'dbt_fieldforce')()) }}
{%- endmacro %}

{% macro default__upsert_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro snowflake__upsert_strategy() -%}
    {{ return('merge') }}
{%- endmacro %}
