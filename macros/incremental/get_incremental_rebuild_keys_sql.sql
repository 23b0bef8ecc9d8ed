{#
    incremental_strategy='rebuild_keys': the model's incremental SQL returns every key it rebuilds,
    with its new rows; a key that has no rows any more (a deleted job, an invoice no longer paid, a
    day that lost its revenue) comes back once with a null `_dbt_loaded_at`, as a left join of the
    rebuilt keys to their new rows gives it. The strategy deletes every returned key and inserts
    the rows that are not such markers: delete+insert, except that keys can also disappear.
#}
{% macro get_incremental_rebuild_keys_sql(arg_dict) -%}
    {{ return(adapter.dispatch('rebuild_keys_sql', 'dbt_fieldforce')(arg_dict)) }}
{%- endmacro %}

{% macro default__rebuild_keys_sql(arg_dict) -%}
    {%- set key = arg_dict['unique_key'] -%}
    {%- if not key or key is not string -%}
        {{ exceptions.raise_compiler_error("incremental_strategy 'rebuild_keys' needs a unique_key of one column") }}
    {%- endif -%}
    {%- set names = arg_dict['dest_columns'] | map(attribute='name') | map('lower') | list -%}
    {%- if '_dbt_loaded_at' not in names -%}
        {{ exceptions.raise_compiler_error("incremental_strategy 'rebuild_keys' needs a _dbt_loaded_at column") }}
    {%- endif -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set target, source = arg_dict['target_relation'], arg_dict['temp_relation'] -%}
    delete from {{ target }}
    where
        {{ key }} in (select {{ key }} from {{ source }})
        -- `in` never matches a null key: a rebuilt null is deleted as such
        or ({{ key }} is null and exists (select 1 from {{ source }} where {{ key }} is null));

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ source }}
    where _dbt_loaded_at is not null
{%- endmacro %}

{% macro snowflake__rebuild_keys_sql(arg_dict) -%}
    {{ return(snowflake_dml_explicit_transaction(default__rebuild_keys_sql(arg_dict))) }}
{%- endmacro %}
