with

source as (

    select * from {{ source('fivetran_salesforce', 'opportunity') }}

),

latest as (

    -- CDC history: keep the latest version Fivetran synced
    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

renamed as (

    select
        -- ids
        id as opportunity_id,
        account_id,

        -- attributes
        name as opportunity_name,
        stage_name,
        type as opportunity_type,
        lead_source,
        cast(is_closed as {{ dbt.type_boolean() }}) as is_closed,
        cast(is_won as {{ dbt.type_boolean() }}) as is_won,

        -- measures
        cast(amount as numeric(18, 2)) as amount,
        cast(probability as {{ dbt.type_int() }}) as probability_pct,

        -- timestamps
        cast(close_date as date) as close_date,
        cast(created_date as {{ dbt.type_timestamp() }}) as opportunity_created_at,
        cast(system_modstamp as {{ dbt.type_timestamp() }}) as opportunity_modified_at,

        -- metadata
        _fivetran_synced

    from latest
    where not coalesce(is_deleted, false)

)

select * from renamed
