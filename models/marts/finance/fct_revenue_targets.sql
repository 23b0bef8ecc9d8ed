{#
    Finance's monthly targets per region (Google Sheets), keyed by region id so that they join
    the marts like every other fact: the one place targets meet regions. rpt_executive_summary and
    the Semantic Layer's revenue_target and jobs_target metrics both read it.
#}

with

targets as (

    select * from {{ ref('stg_sheets__revenue_targets') }}

),

regions as (

    select * from {{ ref('seed_regions') }}

),

final as (

    select
        -- ids
        {{ surrogate_key(['targets.target_month', 'regions.region_id']) }} as region_month_target_id,
        regions.region_id,

        -- attributes
        targets.target_month,

        -- measures
        targets.revenue_target,
        targets.jobs_target,

        -- metadata
        targets._fivetran_synced

    from targets
    inner join regions
        on targets.region_code = regions.region_code

)

select * from final
