{#-
    on-run-start: the registry, made once before any model runs (two models making it at once,
    in their own transactions, would conflict).
-#}
{% macro create_raw_generations_registry() -%}
    {#- only commands that build incremental models or snapshots record generations -#}
    {%- if target.type == 'duckdb' and flags.WHICH in ['run', 'build', 'snapshot', 'retry']
          and raw_generation_id() is not none -%}
        {#- the first run on a new warehouse has no target schema yet; committed here: dbt rolls
            back what an on-run-start hook leaves open -#}
        {%- do adapter.create_schema(raw_generations_relation()) -%}
        {%- do run_query('create table if not exists ' ~ raw_generations_relation()
                         ~ ' (relation_name varchar, generation_id varchar)') -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
{%- endmacro %}
