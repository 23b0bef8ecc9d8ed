with

source as (

    select * from {{ source('fivetran_sheets', 'revenue_targets') }}

),

latest as (

    -- every re-import of the sheet lands all rows again; keep the latest import
    {{ deduplicate('source', partition_by='_row', order_by='_fivetran_synced desc') }}

),

renamed as (

    select
        -- ids
        _row as revenue_target_id,
        upper(trim(region)) as region_code,

        -- attributes
        cast(month || '-01' as date) as target_month,
        notes,

        -- measures
        cast(revenue_target as numeric(18, 2)) as revenue_target,
        cast(jobs_target as {{ dbt.type_int() }}) as jobs_target,

        -- metadata
        _fivetran_synced

    from latest

)

select * from renamed
