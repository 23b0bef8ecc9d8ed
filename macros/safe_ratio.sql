{#
    numerator / denominator as an exact decimal, null when the denominator is zero.
    Dividing in double precision and rounding before the cast gives the same digits on DuckDB
    (where a decimal divided by an integer is a double) and Snowflake (where it is a decimal).
#}
{% macro safe_ratio(numerator, denominator, scale=4) -%}
    cast(round(cast({{ numerator }} as {{ dbt.type_float() }}) / nullif({{ denominator }}, 0), {{ scale }}) as numeric(18, {{ scale }}))
{%- endmacro %}
