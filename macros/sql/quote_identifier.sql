{#
    Quote a column whose name is a reserved word or otherwise odd (QuickBooks `index`,
    ServiceTitan `end`). Fivetran creates Snowflake columns unquoted, so they are stored upper
    case and the quoted name must be upper case there; DuckDB compares identifiers without case.
#}
{% macro quote_identifier(name) -%}
    {{ return(adapter.dispatch('quote_identifier', 'dbt_fieldforce')(name)) }}
{%- endmacro %}

{% macro default__quote_identifier(name) -%}
    {{ adapter.quote(name) }}
{%- endmacro %}

{% macro snowflake__quote_identifier(name) -%}
    {{ adapter.quote(name | upper) }}
{%- endmacro %}
