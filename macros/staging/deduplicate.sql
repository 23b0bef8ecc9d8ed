{#
    Keep one row per key: the first by `order_by` within each `partition_by` group.
    Fivetran's CDC history, re-syncs and retried deliveries can leave several versions of a row;
    staging models call this with order_by='_fivetran_synced desc'.

    `relation` is a relation or the name of a CTE. QUALIFY runs on both DuckDB and Snowflake;
    other adapters can add their own implementation through dispatch.
#}
{% macro deduplicate(relation, partition_by, order_by) -%}
    {{ return(adapter.dispatch('deduplicate', 'dbt_fieldforce')(relation, partition_by, order_by)) }}
{%- endmacro %}

{% macro default__deduplicate(relation, partition_by, order_by) -%}
    select *
    from {{ relation }}
    qualify row_number() over (partition by {{ partition_by }} order by {{ order_by }}) = 1
{%- endmacro %}
