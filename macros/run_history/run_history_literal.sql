{#- A SQL literal: null for none, quoted and escaped for the target's string syntax. -#}
{% macro run_history_literal(value, kind='string') -%}
    {%- if value is none or value is undefined -%}
        {{ return('null') }}
    {%- elif kind == 'number' -%}
        {{ return(value | string) }}
    {%- elif kind == 'timestamp' -%}
        {{ return('cast(\'' ~ value.strftime('%Y-%m-%d %H:%M:%S.%f') ~ '\' as ' ~ dbt.type_timestamp() ~ ')') }}
    {%- elif kind == 'boolean' -%}
        {{ return('true' if value else 'false') }}
    {%- endif -%}
    {{ return("'" ~ dbt.escape_single_quotes(value | string) ~ "'") }}
{%- endmacro %}
