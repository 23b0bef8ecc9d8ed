{{
    config(
        materialized='incremental',
        incremental_strategy='rebuild_keys',
        unique_key='revenue_date',
        on_schema_change='append_new_columns',
        cluster_by=['revenue_date', 'service_type_id'],
    )
}}

{#
    Paid revenue per day, service and region: the finance team's certified revenue number.

    Incremental by revenue date: a run rebuilds exactly the days whose rows differ from what the
    table holds, whenever the invoices behind them were synced - an invoice paid today for work
    done last month changes last month's day. Comparing the small daily aggregate both ways is
    cheap and, unlike a look-back window, cannot miss a late payment or a voided invoice; a day
    that lost all its revenue is removed (incremental_strategy 'rebuild_keys').
    New columns are appended, never dropped: finance keeps seven years of history.
#}

with

revenue as (

    select * from {{ ref('int_revenue_by_service') }}

),

{% if is_incremental() %}

{#- every column the table takes from revenue, so that any difference rebuilds the day -#}
{%- set compared = [
    'revenue_id', 'revenue_date', 'service_type_id', 'region_id', 'invoice_count', 'total_amount',
    'service_amount', 'materials_amount', '_fivetran_synced'
] %}

changed_days as (

    select revenue_date
    from (
        (
            select {{ compared | join(', ') }} from revenue
            except
            select {{ compared | join(', ') }} from {{ this }}
        )
        union all
        (
            select {{ compared | join(', ') }} from {{ this }}
            except
            select {{ compared | join(', ') }} from revenue
        )
    ) as changed
    union distinct
    select revenue_date from revenue where {{ backfill_filter('revenue_date') }}

),

{% endif %}

final as (

    select
        -- ids
        revenue_id,
        revenue_date,
        service_type_id,
        region_id,

        -- measures
        invoice_count,
        total_amount,
        service_amount,
        materials_amount,
        {{ safe_ratio('total_amount', 'invoice_count', 2) }} as average_invoice_amount,

        -- metadata
        _fivetran_synced,
        {{ dbt_loaded_at() }} as _dbt_loaded_at

    from revenue

),

-- the changed days with their rows; a day with none left comes back once, without a load time
rebuilt as (

    {{ rows_of_rebuilt_keys('changed_days', 'final', 'revenue_date') }}

)

select * from rebuilt
