{#- Pre-hook of snapshots: history of another raw data set is not history of this one. -#}
{% macro forget_history_of_other_raw() -%}
    {%- if holds_other_raw(unknown_counts=false) -%}
        delete from {{ this }}
    {%- endif -%}
{%- endmacro %}
