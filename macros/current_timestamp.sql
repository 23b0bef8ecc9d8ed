{#
    "Now", as the DuckDB target sees it: the machine's clock, or the time given as
    `--vars '{as_of: "2026-11-20 20:00:00"}'` (UTC). Tests pin the clock this way, so that
    `dbt source freshness` and the date-bounded tests give the same answer at any hour, as
    `tools generate-raw --as-of` pins the data. Snowflake keeps its own clock.
#}
{% macro duckdb__current_timestamp() -%}
    {%- if var('as_of', none) -%}
        cast('{{ var("as_of") }}+00' as timestamptz)
    {%- else -%}
        now()
    {%- endif -%}
{%- endmacro %}
