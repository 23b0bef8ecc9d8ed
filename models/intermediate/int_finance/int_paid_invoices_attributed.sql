{{
    config(
        materialized='incremental',
        unique_key='invoice_id',
        incremental_strategy='rebuild_keys',
        on_schema_change='sync_all_columns',
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

    Incremental (docs/incremental.md): a run rebuilds the invoices whose invoice, lines or job
    the base tables rewrote since this table's last run (deletions included, which the base
    tables keep); an invoice with no paid revenue left (voided, no longer paid, its lines gone)
    is removed (incremental_strategy 'rebuild_keys', on invoice_id, which is not unique here).
#}

-- depends_on: {{ ref('base_quickbooks__invoice') }}
-- depends_on: {{ ref('base_quickbooks__invoice_line') }}
-- depends_on: {{ ref('base_postgres__jobs') }}

with

{% if is_incremental() %}

-- The invoices to rebuild. This reads the tables itself rather than the CTEs below: DuckDB
-- materializes a CTE that is read twice, which would copy every invoice on every run.
changed_invoices as (

    select invoice_id from {{ ref('base_quickbooks__invoice') }}
    where
        {{ loaded_since_last_run() }}
        or {{ backfill_filter('invoice_date') }}
    union distinct
    select invoice_id from {{ ref('base_quickbooks__invoice_line') }} where {{ loaded_since_last_run() }}
    union distinct
    -- an invoice names its job in doc_number: the stored rows say which invoices bill a changed
    -- job (an invoice that changed its doc_number is in the batch above)
    select stored.invoice_id
    from {{ this }} as stored
    inner join {{ ref('base_postgres__jobs') }} as jobs
        on stored.job_id = jobs.job_id
    where {{ loaded_since_last_run('jobs._dbt_loaded_at') }}

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
        max(_fivetran_synced) as _fivetran_synced,
        {{ dbt_loaded_at() }} as _dbt_loaded_at

    from attributed_lines
    group by invoice_id, service_type_id, job_id, customer_id, quickbooks_customer_id, revenue_date

),

-- the changed invoices with their rows; one with no paid revenue left comes back once, without
-- a load time
rebuilt as (

    {{ rows_of_rebuilt_keys('changed_invoices', 'final', 'invoice_id') }}

)

select * from rebuilt
