{{
    config(
        materialized='view',
        secure=true,
        grants=sigma_readable_grants(),
    )
}}

{#
    dim_customers as the querying user may see it: customers, by their region, for the regions
    seed_user_region_access grants them (every region for 'admin', none without a mapping).
    See v_fct_jobs_rls.
#}

with

source_rows as (

    select * from {{ ref('dim_customers') }}

),

final as (

    {{ rows_in_visible_regions('source_rows') }}

)

select * from final
