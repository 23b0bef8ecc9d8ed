{#
    What the incremental models share (docs/incremental.md has the reasoning).

    Two kinds of high-water mark:
    - raw -> base tables: Fivetran's `_fivetran_synced`. A base table re-reads the raw rows synced
      since its own latest `_fivetran_synced`, less `staging_lookback_hours` for a sync that commits
      rows stamped before ones already read (staging_batch_filter), and writes only versions newer
      than the ones it holds (versions_not_stored).
    - dbt model -> dbt model: `_dbt_loaded_at`, when the dbt run that wrote a row started. A model
      rebuilds the keys of the rows its inputs wrote since its own latest `_dbt_loaded_at`
      (loaded_since_last_run): exact, with no look-back, whatever the business or sync times say.
#}

{#- When this dbt invocation started: the one value every row written in the run carries. -#}
{% macro dbt_loaded_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- Rows an input wrote after this model's last run: `column` is the input's `_dbt_loaded_at`. -#}
{% macro loaded_since_last_run(column='_dbt_loaded_at') -%}
    {{ column }} > (
        select coalesce(max(own_rows._dbt_loaded_at), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
        from {{ this }} as own_rows
    )
{%- endmacro %}

{#-
    The raw rows a base table reads in an incremental run (an empty table reads all of raw): one
    comparison with one value, so that the scan skips the row groups (micro-partitions) synced
    before it; an `or` beside it would make DuckDB read every row of raw to test it.
-#}
{% macro staging_batch_filter(synced_column='_fivetran_synced') -%}
    {{ synced_column }} >= coalesce(
        (
            select {{ dbt.dateadd('hour', -1 * var('staging_lookback_hours'), 'max(stored._fivetran_synced)') }}
            from {{ this }} as stored
        ),
        -- an empty table has no high-water mark: read everything
        cast('1900-01-01' as {{ dbt.type_timestamp() }})
    )
{%- endmacro %}

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

{% macro backfill_filter(business_column) -%}
    {%- if var('backfill_start') -%}
        {{ business_column }} >= cast('{{ var("backfill_start") }}' as date)
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{#
    The strategy per target for base tables, whose keys never disappear (a deletion is a row):
    Snowflake merges (one statement, pruned by micro-partitions); DuckDB deletes the changed keys
    and inserts them again, which is cheaper there than MERGE. The result is the same row for row.
#}
{% macro upsert_strategy() -%}
    {{ return('merge' if target.type == 'snowflake' else 'delete+insert') }}
{%- endmacro %}

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

{#-
    A rebuild_keys model's last CTE: in an incremental run, the rebuilt keys (`keys_cte`) with
    their new rows (`rows_cte`), a key with none left coming back once with a null
    `_dbt_loaded_at`, as the strategy expects; in a full build, the rows.
-#}
{% macro rows_of_rebuilt_keys(keys_cte, rows_cte, key) -%}
    {%- if is_incremental() -%}
        select
            {{ keys_cte }}.{{ key }},
            {{ rows_cte }}.* exclude ({{ key }})
        from {{ keys_cte }}
        left join {{ rows_cte }}
            on {{ keys_cte }}.{{ key }} is not distinct from {{ rows_cte }}.{{ key }}
    {%- else -%}
        select * from {{ rows_cte }}
    {%- endif -%}
{%- endmacro %}

{% macro snowflake__rebuild_keys_sql(arg_dict) -%}
    {{ return(snowflake_dml_explicit_transaction(default__rebuild_keys_sql(arg_dict))) }}
{%- endmacro %}
