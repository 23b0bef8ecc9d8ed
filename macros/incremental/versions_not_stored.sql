{#
    The rows of `relation` (deduplicated raw rows) that the base table does not hold yet, so that
    re-read rows (the look-back) and retried deliveries are not written again and nothing
    downstream sees them as changed: only a version newer than the stored one replaces it.
    `keys` maps the raw key columns to the table's: {'id': 'job_id'}.
#}
{% macro versions_not_stored(relation, keys) -%}
    {%- set same_key = [] -%}
    {%- for raw_key, model_key in keys.items() -%}
        {%- do same_key.append('stored.' ~ model_key ~ ' = ' ~ relation ~ '.' ~ raw_key) -%}
    {%- endfor -%}
    select * from {{ relation }}
    {% if is_incremental() -%}
        where not exists (
            select 1 from {{ this }} as stored
            where {{ same_key | join(' and ') }} and stored._fivetran_synced >= {{ relation }}._fivetran_synced
        )
    {%- endif %}
{%- endmacro %}
