with

source as (

    select * from {{ source('dbt_run_history', 'dbt_node_results') }}

),

renamed as (

    select
        -- ids
        {{ surrogate_key(['invocation_id', 'unique_id']) }} as node_result_id,
        invocation_id,
        unique_id,

        -- attributes
        resource_type,
        node_name,
        status,
        message,

        -- measures
        cast(execution_seconds as double precision) as execution_seconds,
        cast(rows_affected as {{ dbt.type_bigint() }}) as rows_affected,
        cast(failures as {{ dbt.type_bigint() }}) as failure_count,
        cast(freshness_age_seconds as double precision) as freshness_age_seconds,

        -- timestamps (UTC)
        cast(max_loaded_at as {{ dbt.type_timestamp() }}) as max_loaded_at,
        cast(started_at as {{ dbt.type_timestamp() }}) as started_at,
        cast(completed_at as {{ dbt.type_timestamp() }}) as completed_at

    from source

),

final as (

    select * from renamed

)

select * from final
