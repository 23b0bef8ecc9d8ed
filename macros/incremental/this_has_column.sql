{#
    Whether the table an incremental run writes into already has a column, so that a model that
    gains a column can rebuild every row once rather than ask for a --full-refresh. A unit test
    gives `this` as rows, which hold whatever columns the test gives: that counts as having it.
#}
{% macro this_has_column(column_name) -%}
    {%- if this is string -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set names = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {{ return(column_name | lower in names) }}
{%- endmacro %}
