{%- macro run_history_records() -%}
    {{ return(['run', 'build', 'test', 'seed', 'snapshot', 'freshness', 'retry']) }}
{%- endmacro -%}
