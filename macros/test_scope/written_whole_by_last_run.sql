{#-
    Whether the last run wrote every row of `relation`, as a full build does: its keys are then
    all the keys, and a plain group-by checks them for a fraction of the cost of a semi-join of
    the table with itself (17 s against 25 s for 96M pings). Before the table exists (a
    `dbt compile` of a new project), or when the count returns no row (an offline compile), the
    scoped SQL is kept.
-#}
{% macro written_whole_by_last_run(relation) -%}
    {%- if not execute or relation is string or load_relation(relation) is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set query -%}
        select count(*) from {{ relation }} where not ({{ written_by_last_run(relation) }})
    {%- endset -%}
    {%- set result = run_query(query) -%}
    {{ return(result.columns | length == 1 and result.rows | length == 1 and result.rows[0][0] == 0) }}
{%- endmacro %}
