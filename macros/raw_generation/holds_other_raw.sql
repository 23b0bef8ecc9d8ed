{#- Whether `this` exists and holds another raw data set than raw holds now ('unknown' when never recorded). -#}
{% macro holds_other_raw(unknown_counts=true) -%}
    {%- if not execute or target.type != 'duckdb' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set current = raw_generation_id() -%}
    {%- if current is none or load_relation(this) is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set held = recorded_generations([this.render()]).get(this.render(), 'unknown') -%}
    {{ return(held != current and (unknown_counts or held != 'unknown')) }}
{%- endmacro %}
