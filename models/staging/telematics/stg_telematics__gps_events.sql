{#- Every GPS ping, first delivery only, as base_telematics__gps_events holds them. -#}

with

base as (

    select * from {{ ref('base_telematics__gps_events') }}

),

pings as (

    select * exclude (_dbt_loaded_at)
    from base

)

select * from pings
