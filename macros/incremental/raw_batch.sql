{#
    A base table's import CTE: its raw table, in an incremental run only the rows synced since the
    table's high-water mark (staging_batch_filter).
#}
{% macro raw_batch(raw_relation, synced_column='_fivetran_synced') -%}
    select * from {{ raw_relation }}
    {%- if is_incremental() %}
    where {{ staging_batch_filter(synced_column) }}
    {%- endif %}
{%- endmacro %}
