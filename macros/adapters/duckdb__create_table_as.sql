{#
    dbt-duckdb builds an incremental run's new rows into a temporary table, then inserts them into
    the model: for the day's tens of millions of GPS pings that holds them all in memory first
    (spilling past the memory limit while other models run) and writes them twice. A model
    configured `tmp_relation_type='view'` stages its new rows in a temporary view instead, so that
    the strategy's single insert streams the query into the table once: dbt-snowflake's config of
    the same name, which does the same there (dbt_snowflake_get_tmp_relation_type). The
    materialization reads the view's columns as it would the table's (on_schema_change), and the
    view ends with the connection, as the table would.

    Only for the append strategy, whose one statement reads the staged rows once: delete+insert
    and merge read them twice here, and a view would compute them twice.
#}
{% macro duckdb__create_table_as(
    temporary, relation, compiled_code, language='sql', partitioned_by=none, sorted_by=none
) -%}
    {%- set as_view = temporary and language == 'sql' and config.get('tmp_relation_type') == 'view' -%}
    {%- if not as_view -%}
        {{ return(dbt.duckdb__create_table_as(
            temporary, relation, compiled_code, language, partitioned_by, sorted_by
        )) }}
    {%- endif -%}
    {%- set strategy = config.get('incremental_strategy') -%}
    {%- if strategy != 'append' -%}
        {{ exceptions.raise_compiler_error(
            "tmp_relation_type='view' needs incremental_strategy='append' on DuckDB, not '" ~ strategy ~ "'"
        ) }}
    {%- endif -%}
    create temporary view {{ relation.include(database=False, schema=False) }} as (
        {{ compiled_code }}
    );
{%- endmacro %}
