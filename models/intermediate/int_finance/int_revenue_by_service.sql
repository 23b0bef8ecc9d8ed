{#
    Paid QuickBooks revenue by invoice date, service and region.

    Attribution: an invoice's doc_number is the job it bills ('FF-<job id>'); the job gives the
    service type and, through its customer, the region. Lines of an invoice whose job is unknown
    fall back to the QuickBooks item on the line (our service type id) and to the region of the
    billed customer; revenue that still cannot be placed is kept under -1 rather than dropped,
    so the total always reconciles with QuickBooks.
#}

with

invoices as (

    select * from {{ ref('stg_quickbooks__invoice') }}

),

invoice_lines as (

    select * from {{ ref('stg_quickbooks__invoice_line') }}

),

jobs as (

    select * from {{ ref('stg_postgres__jobs') }}

),

customers as (

    select * from {{ ref('stg_postgres__customers') }}

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

attributed_lines as (

    select
        paid_invoices.invoice_id,
        paid_invoices.invoice_date as revenue_date,
        coalesce(
            jobs.service_type_id,
            {{ dbt.safe_cast('invoice_lines.item_id', dbt.type_bigint()) }},
            -1
        ) as service_type_id,
        coalesce(job_customers.region_id, billed_customers.region_id, -1) as region_id,
        invoice_lines.line_description,
        invoice_lines.amount,
        greatest(paid_invoices._fivetran_synced, invoice_lines._fivetran_synced) as _fivetran_synced
    from paid_invoices
    inner join invoice_lines
        on paid_invoices.invoice_id = invoice_lines.invoice_id
    left join jobs
        on paid_invoices.job_id = jobs.job_id
    left join customers as job_customers
        on jobs.customer_id = job_customers.customer_id
    left join customers as billed_customers
        on paid_invoices.quickbooks_customer_id = billed_customers.quickbooks_customer_id

),

final as (

    select
        -- ids
        {{ surrogate_key(['revenue_date', 'service_type_id', 'region_id']) }} as revenue_id,
        revenue_date,
        service_type_id,
        region_id,

        -- measures
        count(distinct invoice_id) as invoice_count,
        sum(amount) as total_amount,
        sum(case when line_description = 'Service' then amount else 0 end) as service_amount,
        sum(case when line_description <> 'Service' then amount else 0 end) as materials_amount,

        -- metadata
        max(_fivetran_synced) as _fivetran_synced

    from attributed_lines
    group by revenue_date, service_type_id, region_id

)

select * from final
