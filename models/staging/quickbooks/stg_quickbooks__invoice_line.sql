{#- The live QuickBooks invoice lines: base_quickbooks__invoice_line keeps every line's latest version, deleted too. -#}

with

base as (

    select * from {{ ref('base_quickbooks__invoice_line') }}

),

live as (

    select * exclude (is_deleted, _dbt_loaded_at)
    from base
    where not is_deleted

)

select * from live
