{#
    Run history in the warehouse (docs/monitoring.md): every dbt command that runs nodes (build,
    run, test, seed, snapshot, source freshness, retry) records itself and each node's result in
    two tables of the schema `run_history` (`<target schema>_run_history` outside prod), which the
    source `dbt_run_history` reads and models/marts/monitoring/ turns into SLOs.

    - on-run-start: create_run_history_tables() makes the tables (once per warehouse).
    - on-run-end: record_run_history(results) inserts one row per invocation and one per result,
      with its status, timings, rows affected, failures, the message's first line and, for a
      freshness check, the newest load time and its age.

    A run killed before its end records nothing: what never finishes is the alerting's to report
    (docs/runbook.md), not the history's.
#}

{% macro run_history_relation(identifier) -%}
    {{ return(api.Relation.create(database=generate_database_name('marts', none) | trim,
                                  schema=generate_schema_name('run_history', none) | trim,
                                  identifier=identifier)) }}
{%- endmacro %}

{%- macro run_history_records() -%}
    {{ return(['run', 'build', 'test', 'seed', 'snapshot', 'freshness', 'retry']) }}
{%- endmacro -%}

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

{#- A SQL literal: null for none, quoted and escaped for the target's string syntax. -#}
{% macro run_history_literal(value, kind='string') -%}
    {%- if value is none or value is undefined -%}
        {{ return('null') }}
    {%- elif kind == 'number' -%}
        {{ return(value | string) }}
    {%- elif kind == 'timestamp' -%}
        {{ return('cast(\'' ~ value.strftime('%Y-%m-%d %H:%M:%S.%f') ~ '\' as ' ~ dbt.type_timestamp() ~ ')') }}
    {%- elif kind == 'boolean' -%}
        {{ return('true' if value else 'false') }}
    {%- endif -%}
    {{ return("'" ~ dbt.escape_single_quotes(value | string) ~ "'") }}
{%- endmacro %}

{#- The first line of a message, as the alerts quote it; long enough for dbt's error headers. -#}
{% macro run_history_message(message) -%}
    {%- if message is none or message is undefined -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set lines = (message | string).strip().splitlines() -%}
    {{ return((lines[0] if lines else '')[:500]) }}
{%- endmacro %}

{% macro record_run_history(results) -%}
    {%- if not execute or flags.WHICH not in run_history_records() or not results -%}
        {{ return('') }}
    {%- endif -%}
    {%- set now = modules.datetime.datetime.now(modules.pytz.utc).replace(tzinfo=none) -%}
    {%- set started = run_started_at.astimezone(modules.pytz.utc).replace(tzinfo=none) -%}
    {%- set literal = run_history_literal -%}
    {%- do run_query('insert into ' ~ run_history_relation('dbt_invocations') ~ ' values ('
        ~ [literal(invocation_id), literal(flags.WHICH), literal(target.name), literal(dbt_version),
           literal(flags.FULL_REFRESH | default(false), 'boolean'), literal(started, 'timestamp'),
           literal(now, 'timestamp')] | join(', ') ~ ')') -%}
    {%- set rows = [] -%}
    {%- for result in results -%}
        {%- set timing = result.timing | selectattr('name', 'equalto', 'execute') | list -%}
        {%- set execute_timing = timing[0] if timing else none -%}
        {%- set response = result.adapter_response if result.adapter_response is defined else {} -%}
        {%- set rows_affected = (response or {}).get('rows_affected') -%}
        {%- set failures = result.failures if result.failures is defined else none -%}
        {%- set max_loaded_at = result.max_loaded_at if result.max_loaded_at is defined else none -%}
        {%- set age = result.age if result.age is defined else none -%}
        {%- do rows.append('(' ~ [
            literal(invocation_id),
            literal(result.node.unique_id),
            literal(result.node.resource_type | string),
            literal(result.node.name),
            literal(result.status | string),
            literal(run_history_message(result.message)),
            literal(result.execution_time, 'number'),
            literal(rows_affected if rows_affected is number and rows_affected >= 0 else none, 'number'),
            literal(failures if failures is number else none, 'number'),
            literal(max_loaded_at.astimezone(modules.pytz.utc).replace(tzinfo=none)
                    if max_loaded_at is not none and max_loaded_at.tzinfo is not none else max_loaded_at,
                    'timestamp'),
            literal(age if age is number else none, 'number'),
            literal(execute_timing.started_at.replace(tzinfo=none)
                    if execute_timing and execute_timing.started_at else none, 'timestamp'),
            literal(execute_timing.completed_at.replace(tzinfo=none)
                    if execute_timing and execute_timing.completed_at else none, 'timestamp')
        ] | join(', ') ~ ')') -%}
    {%- endfor -%}
    {#- in batches: one statement per few hundred nodes keeps each under every driver's limits -#}
    {%- for batch in rows | batch(200) -%}
        {%- do run_query('insert into ' ~ run_history_relation('dbt_node_results') ~ ' values '
                         ~ batch | join(',\n')) -%}
    {%- endfor -%}
    {%- do adapter.commit() -%}
    {{ return('') }}
{%- endmacro %}
