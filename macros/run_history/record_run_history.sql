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
