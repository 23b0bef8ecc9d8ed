{#- The live QuickBooks invoices: base_quickbooks__invoice holds every invoice's latest version, voided ones too. -#}

with

base as (

    select * from {{ ref('base_quickbooks__invoice') }}

),

live as (

    select * exclude (is_deleted, _dbt_loaded_at)
    from base
    where not is_deleted

)

select * from live
