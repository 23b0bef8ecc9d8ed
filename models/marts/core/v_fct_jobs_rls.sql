{{
    config(
        materialized='view',
        secure=true,
        grants=sigma_readable_grants(),
    )
}}

{#
    fct_jobs as the querying user may see it (SDD, Row-Level Security): the jobs whose region
    (their customer's) seed_user_region_access grants them; every region for access_level 'admin'; no
    rows for a user without a mapping. Secure on Snowflake, so the filter cannot be read or
    bypassed through the view definition. Who "the user" is: macros/snowflake/current_rls_user.sql.
#}

with

source_rows as (

    select * from {{ ref('fct_jobs') }}

),

final as (

    {{ rows_in_visible_regions('source_rows') }}

)

select * from final
