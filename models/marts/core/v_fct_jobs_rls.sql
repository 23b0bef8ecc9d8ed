{{
    config(
        materialized='view',
        secure=true,
        grants=sigma_readable_grants(),
    )
}}

{#
    fct_jobs as the querying user may see it (SDD, Row-Level Security): the jobs of customers in
    the regions seed_user_region_access grants them; every region for access_level 'admin'; no
    rows for a user without a mapping. Secure on Snowflake, so the filter cannot be read or
    bypassed through the view definition. Who "the user" is: macros/snowflake/current_rls_user.sql.
#}

with

jobs as (

    select * from {{ ref('fct_jobs') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

visible_regions as (

    {{ rls_visible_regions() }}

),

-- a job's region is its customer's: fct_jobs keeps the columns Sigma reads, no region of its own
final as (

    select jobs.*
    from jobs
    inner join customers
        on jobs.customer_id = customers.customer_id
    inner join visible_regions
        on customers.region_id = visible_regions.region_id

)

select * from final
