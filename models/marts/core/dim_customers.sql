with

customers as (

    select * from {{ ref('stg_postgres__customers') }}

),

regions as (

    select * from {{ ref('seed_regions') }}

),

final as (

    select
        -- ids
        customers.customer_id,
        customers.region_id,
        customers.salesforce_account_id,
        customers.quickbooks_customer_id,

        -- attributes
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

        -- timestamps
        customers.customer_created_at,
        customers.customer_updated_at

    from customers
    left join regions
        on customers.region_id = regions.region_id

)

select * from final
