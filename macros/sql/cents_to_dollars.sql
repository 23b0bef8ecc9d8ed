{#
    Integer cents (as the Postgres jobs database keeps money) to an exact two-place decimal.
    Dividing by 100.0 first and casting after keeps the result exact on DuckDB, where a decimal
    divided by an integer would become a double.
#}
{% macro cents_to_dollars(column_name, scale=2) -%}
    cast({{ column_name }} / 100.0 as numeric(18, {{ scale }}))
{%- endmacro %}
