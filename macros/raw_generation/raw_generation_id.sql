{% macro raw_generation_id() -%}
    {%- if not execute or target.type != 'duckdb' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set state = adapter.get_relation(database=var('raw_database'), schema='_fieldforce_generator',
                                         identifier='state') -%}
    {%- if state is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(state) | map(attribute='name') | list -%}
    {%- if 'generation_id' not in columns -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rows = run_query('select generation_id from ' ~ state).rows -%}
    {{ return(rows[0][0] if rows else none) }}
{%- endmacro %}
