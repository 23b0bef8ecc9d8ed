{#
    The incremental config of a base table (`base_<source>__<table>`, docs/incremental.md):
    failing on a change of its columns, which needs `--full-refresh`; with a `unique_key`,
    upserted by the target's strategy (upsert_strategy); without one (an event stream), appended.
    Any other config passes through as a keyword argument. The model keeps `materialized` in
    view: `config(materialized='incremental', **base_table_config(unique_key='job_id'))`.
#}
{% macro base_table_config(unique_key=none) -%}
    {%- set settings = {'on_schema_change': 'fail'} -%}
    {%- if unique_key is not none -%}
        {%- do settings.update({'unique_key': unique_key, 'incremental_strategy': upsert_strategy()}) -%}
    {%- else -%}
        {%- do settings.update({'incremental_strategy': 'append'}) -%}
    {%- endif -%}
    {%- do settings.update(kwargs) -%}
    {{ return(settings) }}
{%- endmacro %}
