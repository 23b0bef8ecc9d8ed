{{
    config(
        cluster_by=['customer_id'],
    )
}}

with

customers as (

    select * from {{ ref('int_customers_enriched') }}

),

final as (

    select
        -- ids
        customer_id,
        region_id,
        salesforce_account_id,
        quickbooks_customer_id,

        -- attributes
        first_name,
        last_name,
        company_name,
        customer_email,
        customer_phone,
        city,
        state,
        postal_code,
        customer_type,
        region_code,
        region_name,
        division,
        lifecycle_stage,
        industry,
        salesforce_account_type,
        account_owner_user_id,
        is_billing_active,

        -- measures
        account_annual_revenue,
        account_employee_count,
        open_balance,
        lifetime_jobs,
        completed_jobs,
        lifetime_revenue,

        -- timestamps
        first_job_at,
        last_job_at,
        customer_created_at,
        customer_updated_at

    from customers

)

select * from final
