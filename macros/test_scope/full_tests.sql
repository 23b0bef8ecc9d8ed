{% macro full_tests() -%}
    {%- set value = var('full_tests', false) -%}
    {%- if value in [true, false] -%}
        {{ return(value) }}
    {%- elif value | string | lower in ['true', '1', 'yes'] -%}
        {{ return(true) }}
    {%- elif value | string | lower in ['false', '0', 'no', 'none', ''] -%}
        {{ return(false) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("var full_tests must be true or false, not '" ~ value ~ "'") }}
{%- endmacro %}
