{#
    Pre-hook of a base table of events, which keeps each event's first delivery: a stored
    delivery of which the raw rows the run reads hold an earlier one (committed after the later
    one was read, within the look-back) is removed, so that the run writes the earlier one.
    That earlier one is synced within the look-back, so the stored one, later still, is too: only
    the stored rows of the look-back are compared.
#}
{% macro delete_later_deliveries(raw_relation, raw_key, model_key) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where
            {{ staging_batch_filter(this ~ '._fivetran_synced') }}
            and exists (
                select 1 from {{ raw_relation }} as raw
                where
                    {{ staging_batch_filter('raw._fivetran_synced') }}
                    and raw.{{ raw_key }} = {{ this }}.{{ model_key }}
                    and raw._fivetran_synced < {{ this }}._fivetran_synced
            )
    {%- endif -%}
{%- endmacro %}
