with

source as (

    select * from {{ source('dbt_run_history', 'dbt_invocations') }}

),

renamed as (

    select
        -- ids
        invocation_id,

        -- attributes
        command,
        target_name,
        dbt_version,
        cast(is_full_refresh as {{ dbt.type_boolean() }}) as is_full_refresh,

        -- timestamps (UTC)
        cast(run_started_at as {{ dbt.type_timestamp() }}) as run_started_at,
        cast(run_completed_at as {{ dbt.type_timestamp() }}) as run_completed_at

    from source

),

final as (

    select * from renamed

)

select * from final
