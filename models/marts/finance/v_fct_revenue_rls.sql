{{
    config(
        materialized='view',
        secure=true,
        grants=sigma_readable_grants(),
    )
}}

{#
    fct_revenue as the querying user may see it: the rows of the regions seed_user_region_access
    grants them (every region for 'admin', none without a mapping). See v_fct_jobs_rls.
#}

with

source_rows as (

    select * from {{ ref('fct_revenue') }}

),

final as (

    {{ rows_in_visible_regions('source_rows') }}

)

select * from final
