{#
    One row per technician with what each system knows of them: the jobs database's record, their
    ServiceTitan id and their region's names. dim_technicians presents it.
#}

with

technicians as (

    select * from {{ ref('stg_postgres__technicians') }}

),

servicetitan_technicians as (

    select * from {{ ref('stg_servicetitan__technician') }}

),

regions as (

    select * from {{ ref('seed_regions') }}

),

final as (

    select
        -- ids
        technicians.technician_id,
        technicians.region_id,
        servicetitan_technicians.servicetitan_technician_id,

        -- attributes
        technicians.first_name,
        technicians.last_name,
        technicians.first_name || ' ' || technicians.last_name as technician_name,
        technicians.technician_email,
        technicians.skill_level,
        technicians.is_active,
        regions.region_code,
        regions.region_name,

        -- measures
        technicians.hourly_rate,

        -- timestamps
        technicians.hired_date,
        technicians.terminated_date,
        technicians.technician_updated_at

    from technicians
    left join servicetitan_technicians
        on technicians.technician_id = servicetitan_technicians.technician_id
    left join regions
        on technicians.region_id = regions.region_id

)

select * from final
