{# `meta: {pii: ...}` of a column, under `config:` (dbt 1.10+) or directly; false/none = not PII. #}
{% macro pii_kind(column) %}
    {%- set found = [] -%}
    {%- for meta in [column.meta, (column.config or {}).meta] -%}
        {%- if meta and meta.pii and meta.pii not in ['none', 'false'] -%}{%- do found.append(meta.pii) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(found[-1] if found else none) }}
{% endmacro %}
