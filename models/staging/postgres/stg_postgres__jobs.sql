{#- The live jobs: base_postgres__jobs holds every job's latest version, deleted ones too. -#}

with

base as (

    select * from {{ ref('base_postgres__jobs') }}

),

live as (

    select * exclude (is_deleted, _dbt_loaded_at)
    from base
    where not is_deleted

)

select * from live
