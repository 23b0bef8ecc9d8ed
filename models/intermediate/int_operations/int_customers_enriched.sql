{#
    One row per live customer of the operational database, with what the other systems know of
    them: the region, the Salesforce account (commercial customers), the QuickBooks billing
    customer, and their job history and lifecycle.
#}

with

customers as (

    select * from {{ ref('stg_postgres__customers') }}

),

regions as (

    select * from {{ ref('seed_regions') }}

),

accounts as (

    select * from {{ ref('stg_salesforce__account') }}

),

billing as (

    select * from {{ ref('stg_quickbooks__customer') }}

),

lifecycle as (

    select * from {{ ref('int_customer_lifecycle') }}

),

final as (

    select
        customers.customer_id,
        customers.region_id,
        customers.salesforce_account_id,
        customers.quickbooks_customer_id,
        customers.first_name,
        customers.last_name,
        customers.company_name,
        customers.customer_email,
        customers.customer_phone,
        customers.city,
        customers.state,
        customers.postal_code,
        customers.customer_type,
        regions.region_code,
        regions.region_name,
        regions.division,
        coalesce(lifecycle.lifecycle_stage, 'prospect') as lifecycle_stage,
        accounts.industry,
        accounts.account_type as salesforce_account_type,
        accounts.owner_user_id as account_owner_user_id,
        coalesce(billing.is_active, false) as is_billing_active,
        accounts.annual_revenue as account_annual_revenue,
        accounts.number_of_employees as account_employee_count,
        billing.open_balance,
        coalesce(lifecycle.lifetime_jobs, 0) as lifetime_jobs,
        coalesce(lifecycle.completed_jobs, 0) as completed_jobs,
        coalesce(lifecycle.lifetime_revenue, 0) as lifetime_revenue,
        lifecycle.first_job_at,
        lifecycle.last_job_at,
        customers.customer_created_at,
        customers.customer_updated_at
    from customers
    left join regions
        on customers.region_id = regions.region_id
    left join accounts
        on customers.salesforce_account_id = accounts.account_id
    left join billing
        on customers.quickbooks_customer_id = billing.quickbooks_customer_id
    left join lifecycle
        on customers.customer_id = lifecycle.customer_id

)

select * from final
