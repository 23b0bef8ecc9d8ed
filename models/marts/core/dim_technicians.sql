with

technicians as (

    select * from {{ ref('int_technicians_enriched') }}

),

final as (

    select
        -- ids
        technician_id,
        region_id,
        servicetitan_technician_id,

        -- attributes
        first_name,
        last_name,
        technician_name,
        technician_email,
        skill_level,
        is_active,
        region_code,
        region_name,

        -- measures
        hourly_rate,

        -- timestamps
        hired_date,
        terminated_date,
        technician_updated_at

    from technicians

)

select * from final
