{#
    Paid QuickBooks revenue by invoice date, service and region. The region is the job's
    customer's, else the billed customer's, else -1, so the total always reconciles with
    QuickBooks. A row per attributed invoice makes the invoice count a plain count.
#}

with

invoices as (

    select * from {{ ref('int_paid_invoices_attributed') }}

),

customers as (

    select * from {{ ref('stg_postgres__customers') }}

),

placed as (

    select
        invoices.revenue_date,
        invoices.service_type_id,
        coalesce(job_customers.region_id, billed_customers.region_id, -1) as region_id,
        invoices.total_amount,
        invoices.service_amount,
        invoices.materials_amount,
        invoices._fivetran_synced
    from invoices
    left join customers as job_customers
        on invoices.customer_id = job_customers.customer_id
    left join customers as billed_customers
        on invoices.quickbooks_customer_id = billed_customers.quickbooks_customer_id

),

final as (

    select
        -- ids
        {{ surrogate_key(['revenue_date', 'service_type_id', 'region_id']) }} as revenue_id,
        revenue_date,
        service_type_id,
        region_id,

        -- measures
        count(*) as invoice_count,
        sum(total_amount) as total_amount,
        sum(service_amount) as service_amount,
        sum(materials_amount) as materials_amount,

        -- metadata
        max(_fivetran_synced) as _fivetran_synced

    from placed
    group by revenue_date, service_type_id, region_id

)

select * from final
