{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='revenue_date',
        on_schema_change='append_new_columns',
        cluster_by=['revenue_date', 'service_type_id'],
        post_hook="{{ delete_missing_rows(ref('int_revenue_by_service'), 'revenue_id') }}",
    )
}}

{#
    Paid revenue per day, service and region: the finance team's certified revenue number.

    Incremental by revenue date (delete+insert on revenue_date): a run rebuilds exactly the days
    whose revenue differs from what the table holds, whenever the invoices behind them were
    synced - an invoice paid today for work done last month changes last month's day. Comparing
    the small daily aggregate is cheap and, unlike a look-back window, cannot miss a late payment
    or a voided invoice. A day that lost all its revenue is removed by the post-hook.
    New columns are appended, never dropped: finance keeps seven years of history.
#}

with

revenue as (

    select * from {{ ref('int_revenue_by_service') }}

),

{% if is_incremental() %}

{#- the columns whose change means the day must be rebuilt -#}
{%- set compared = [
    'revenue_id', 'revenue_date', 'invoice_count', 'total_amount', 'service_amount', 'materials_amount'
] %}

changed_days as (

    select revenue_date
    from (
        select {{ compared | join(', ') }} from revenue
        except
        select {{ compared | join(', ') }} from {{ this }}
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
        _fivetran_synced

    from revenue
    {% if is_incremental() %}
    where revenue_date in (select changed_days.revenue_date from changed_days)
    {% endif %}

)

select * from final
