{#
    numerator / denominator as an exact decimal, null when the denominator is zero.
    Dividing in double precision and rounding before the cast gives the same digits on DuckDB
    (where a decimal divided by an integer is a double) and Snowflake (where it is a decimal).
    `double precision`, not dbt.type_float(): that renders `float`, which is 32-bit on DuckDB and
    64-bit on Snowflake, and rounded differently (393 / 480 gave 0.8188 on DuckDB, 0.8187 on
    the Snowflake emulator).
#}
{% macro safe_ratio(numerator, denominator, scale=4) -%}
    cast(round(cast({{ numerator }} as double precision) / nullif({{ denominator }}, 0), {{ scale }}) as numeric(18, {{ scale }}))
{%- endmacro %}
