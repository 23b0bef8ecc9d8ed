{#- The live job lines: base_postgres__job_line_items holds every line's latest version, deleted ones too. -#}

with

base as (

    select * from {{ ref('base_postgres__job_line_items') }}

),

live as (

    select * exclude (is_deleted, _dbt_loaded_at)
    from base
    where not is_deleted

)

select * from live
