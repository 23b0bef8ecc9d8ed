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
#}
{% macro incremental_lookback_filter(synced_column='_fivetran_synced') -%}
    {{ synced_column }} >= (
        select {{ dbt.dateadd('day', -1 * var('incremental_lookback_days'), 'max(' ~ synced_column ~ ')') }}
        from {{ this }}
    )
{%- endmacro %}

{% macro backfill_filter(business_column) -%}
    {%- if var('backfill_start') -%}
        {{ business_column }} >= cast('{{ var("backfill_start") }}' as date)
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{% macro delete_missing_rows(upstream, key) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ key }} not in (select {{ key }} from {{ upstream }})
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
