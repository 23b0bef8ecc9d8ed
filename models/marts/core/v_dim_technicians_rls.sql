{{
    config(
        materialized='view',
        secure=true,
        grants=sigma_readable_grants(),
    )
}}

{#
    dim_technicians as the querying user may see it: technicians, by their home region, for the regions
    seed_user_region_access grants them (every region for 'admin', none without a mapping).
    See v_fct_jobs_rls.
#}

with

source_rows as (

    select * from {{ ref('dim_technicians') }}

),

visible_regions as (

    {{ rls_visible_regions() }}

)

select source_rows.*
from source_rows
inner join visible_regions
    on source_rows.region_id = visible_regions.region_id
