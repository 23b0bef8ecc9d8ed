{#
    A deterministic key from several columns: md5 of their text joined by '|', nulls spelled out.
    The same as dbt_utils.generate_surrogate_key, which the project cannot install from the hub;
    dbt.hash and dbt.concat render the right SQL on DuckDB and Snowflake alike.
#}
{% macro surrogate_key(fields) -%}
    {%- set parts = [] -%}
    {%- for field in fields -%}
        {%- do parts.append("coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), '_null_')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
