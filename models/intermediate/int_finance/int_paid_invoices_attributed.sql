{{
    config(
        materialized='incremental',
        unique_key='invoice_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
        post_hook="{{ delete_missing_rows(
            '(select invoice_id from ' ~ ref('stg_quickbooks__invoice') ~ ' where balance = 0)', 'invoice_id'
        ) }}",
    )
}}

{#
    Paid QuickBooks revenue per invoice, attributed to a service.

    Attribution: an invoice's doc_number is the job it bills ('FF-<job id>'), which gives the
    service type and the customer. Lines of an invoice whose job is unknown fall back to the
    QuickBooks item on the line (our service type id), else -1; an invoice whose lines fall back
    to different items has one row per service type. The region is placed downstream, in
    int_revenue_by_service, from the customer ids kept here: a customer who moves region then
    changes no row of this table.

    Incremental: a run rebuilds the invoices whose invoice, lines or job were synced since the
    table's high-water mark, less the look-back (delete+insert on invoice_id, which is not
    unique, on both targets); the post-hook removes invoices deleted or no longer paid.
#}

with

{% if is_incremental() %}

-- The invoices to rebuild. This reads the tables itself rather than the CTEs below: DuckDB
-- materializes a CTE that is read twice, which would copy every invoice on every run.
changed_invoices as (

    select invoice_id from {{ ref('stg_quickbooks__invoice') }}
    where
        {{ incremental_lookback_filter() }}
        or {{ backfill_filter('invoice_date') }}
    union distinct
    select invoice_id from {{ ref('stg_quickbooks__invoice_line') }} where {{ incremental_lookback_filter() }}
    union distinct
    select stored.invoice_id
    from {{ this }} as stored
    inner join {{ ref('stg_postgres__jobs') }} as jobs
        on stored.job_id = jobs.job_id
    where {{ incremental_lookback_filter('jobs._fivetran_synced') }}

),

{% endif %}

{%- set changed_only = 'where invoice_id in (select changed_invoices.invoice_id from changed_invoices)'
    if is_incremental() else '' %}

invoices as (

    select * from {{ ref('stg_quickbooks__invoice') }}
    {{ changed_only }}

),

invoice_lines as (

    select * from {{ ref('stg_quickbooks__invoice_line') }}
    {{ changed_only }}

),

paid_invoices as (

    select
        invoice_id,
        quickbooks_customer_id,
        invoice_date,
        {{ dbt.safe_cast("replace(doc_number, 'FF-', '')", dbt.type_bigint()) }} as job_id,
        _fivetran_synced
    from invoices
    where balance = 0

),

jobs as (

    select * from {{ ref('stg_postgres__jobs') }}
    {% if is_incremental() %}
    where job_id in (select paid_invoices.job_id from paid_invoices)
    {% endif %}

),

attributed_lines as (

    select
        paid_invoices.invoice_id,
        coalesce(
            jobs.service_type_id,
            {{ dbt.safe_cast('invoice_lines.item_id', dbt.type_bigint()) }},
            -1
        ) as service_type_id,
        paid_invoices.job_id,
        jobs.customer_id,
        paid_invoices.quickbooks_customer_id,
        paid_invoices.invoice_date as revenue_date,
        invoice_lines.line_description,
        invoice_lines.amount,
        greatest(paid_invoices._fivetran_synced, invoice_lines._fivetran_synced) as _fivetran_synced
    from paid_invoices
    inner join invoice_lines
        on paid_invoices.invoice_id = invoice_lines.invoice_id
    left join jobs
        on paid_invoices.job_id = jobs.job_id

),

final as (

    select
        -- ids
        invoice_id,
        service_type_id,
        job_id,
        customer_id,
        quickbooks_customer_id,

        -- attributes
        revenue_date,

        -- measures
        count(*) as line_count,
        sum(amount) as total_amount,
        sum(case when line_description = 'Service' then amount else 0 end) as service_amount,
        sum(case when line_description <> 'Service' then amount else 0 end) as materials_amount,

        -- metadata
        max(_fivetran_synced) as _fivetran_synced

    from attributed_lines
    group by invoice_id, service_type_id, job_id, customer_id, quickbooks_customer_id, revenue_date

)

select * from final
