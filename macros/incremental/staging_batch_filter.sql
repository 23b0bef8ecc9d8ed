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
