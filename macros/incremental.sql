{#
    Helpers shared by the incremental models.

    incremental_lookback_filter: rows Fivetran synced since the model's high-water mark, less
    `incremental_lookback_days` (3, per the SDD) so that late deliveries are not missed. Filtering
    on the sync time, not the business time, is what catches late-arriving rows: a job booked a
    week ago but delivered today carries today's _fivetran_synced.

    backfill_filter: with `--vars '{backfill_start: 2024-01-01}'`, also re-read every row whose
    business date is on or after that date.

    delete_missing_rows: a post-hook for incremental models fed by staging, which drops
    soft-deleted rows: rows whose key has disappeared upstream are removed, so the incremental
    table stays equal to a full refresh.

    The high-volume staging models are incremental tables too (docs/incremental.md):
    staging_batch_filter picks the raw rows synced since the table's high-water mark, less
    `staging_lookback_hours` for syncs that commit after a later one has stamped its rows, and
    delete_soft_deleted_rows is their pre-hook, which removes the keys Fivetran soft-deleted in
    that batch (a key that came back to life after its deletion is in the batch and is inserted
    again).
#}
{% macro incremental_lookback_filter(synced_column='_fivetran_synced', lookback_hours=none) -%}
    {%- set hours = lookback_hours if lookback_hours is not none else var('incremental_lookback_days') * 24 -%}
    (
        {{ synced_column }} >= (
            select {{ dbt.dateadd('hour', -1 * hours, 'max(_fivetran_synced)') }}
            from {{ this }}
        )
        -- an empty table has no high-water mark: read everything
        or not exists (select 1 from {{ this }})
    )
{%- endmacro %}

{% macro staging_batch_filter(synced_column='_fivetran_synced') -%}
    {{ incremental_lookback_filter(synced_column, var('staging_lookback_hours')) }}
{%- endmacro %}

{#
    `keys` maps the raw key columns to the staging model's: {'id': 'job_id'}. Salesforce flags
    deletes in `is_deleted`: pass it as `deleted_column`.
#}
{% macro delete_soft_deleted_rows(raw_relation, keys, deleted_column='_fivetran_deleted') -%}
    {%- if is_incremental() -%}
        {%- set matches = [] -%}
        {%- for raw_key, model_key in keys.items() -%}
            {%- do matches.append(this ~ '.' ~ model_key ~ ' = deleted_rows.' ~ raw_key) -%}
        {%- endfor -%}
        delete from {{ this }}
        using (
            select distinct {{ keys.keys() | join(', ') }}
            from {{ raw_relation }}
            where
                {{ deleted_column }}
                and {{ staging_batch_filter() }}
        ) as deleted_rows
        where {{ matches | join(' and ') }}
    {%- endif -%}
{%- endmacro %}

{% macro backfill_filter(business_column) -%}
    {%- if var('backfill_start') -%}
        {{ business_column }} >= cast('{{ var("backfill_start") }}' as date)
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{#- NOT EXISTS, not NOT IN: NOT IN must watch for nulls, which makes DuckDB's anti-join slower. -#}
{% macro delete_missing_rows(upstream, key) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where not exists (
            select 1 from {{ upstream }} as kept
            where kept.{{ key }} = {{ this }}.{{ key }}
        )
    {%- endif -%}
{%- endmacro %}

{#
    The strategy per target: Snowflake merges (one statement, pruned by micro-partitions);
    DuckDB deletes the changed keys and inserts them again, which is cheaper there than MERGE.
    The result is the same row for row.
#}
{% macro upsert_strategy() -%}
    {{ return('merge' if target.type == 'snowflake' else 'delete+insert') }}
{%- endmacro %}
