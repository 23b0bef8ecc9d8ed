{#- The live QuickBooks payments: base_quickbooks__payment holds every payment's latest version, deleted ones too. -#}

with

base as (

    select * from {{ ref('base_quickbooks__payment') }}

),

live as (

    select * exclude (is_deleted, _dbt_loaded_at)
    from base
    where not is_deleted

)

select * from live
