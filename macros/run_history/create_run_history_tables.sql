{% macro create_run_history_tables() -%}
    {%- if not execute or flags.WHICH not in run_history_records() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set invocations = run_history_relation('dbt_invocations') -%}
    {%- set results = run_history_relation('dbt_node_results') -%}
    {#- committed here: dbt rolls back what an on-run-start hook leaves open -#}
    {%- do adapter.create_schema(invocations) -%}
    {%- do run_query('create table if not exists ' ~ invocations ~ ' ('
        ~ 'invocation_id ' ~ dbt.type_string() ~ ', '
        ~ 'command ' ~ dbt.type_string() ~ ', '
        ~ 'target_name ' ~ dbt.type_string() ~ ', '
        ~ 'dbt_version ' ~ dbt.type_string() ~ ', '
        ~ 'is_full_refresh ' ~ dbt.type_boolean() ~ ', '
        ~ 'run_started_at ' ~ dbt.type_timestamp() ~ ', '
        ~ 'run_completed_at ' ~ dbt.type_timestamp() ~ ')') -%}
    {%- do run_query('create table if not exists ' ~ results ~ ' ('
        ~ 'invocation_id ' ~ dbt.type_string() ~ ', '
        ~ 'unique_id ' ~ dbt.type_string() ~ ', '
        ~ 'resource_type ' ~ dbt.type_string() ~ ', '
        ~ 'node_name ' ~ dbt.type_string() ~ ', '
        ~ 'status ' ~ dbt.type_string() ~ ', '
        ~ 'message ' ~ dbt.type_string() ~ ', '
        ~ 'execution_seconds double precision, '
        ~ 'rows_affected ' ~ dbt.type_bigint() ~ ', '
        ~ 'failures ' ~ dbt.type_bigint() ~ ', '
        ~ 'max_loaded_at ' ~ dbt.type_timestamp() ~ ', '
        ~ 'freshness_age_seconds double precision, '
        ~ 'started_at ' ~ dbt.type_timestamp() ~ ', '
        ~ 'completed_at ' ~ dbt.type_timestamp() ~ ')') -%}
    {%- do adapter.commit() -%}
    {{ return('') }}
{%- endmacro %}
