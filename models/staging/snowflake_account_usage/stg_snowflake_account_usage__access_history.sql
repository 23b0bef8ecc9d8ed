{{
    config(
        materialized='ephemeral',
        enabled=snowflake_governance_enabled() and target.name != 'dev',
    )
}}

{#
    The objects each query read (SNOWFLAKE.ACCOUNT_USAGE.ACCESS_HISTORY, Enterprise edition):
    those it named and the base tables behind them. Ephemeral and Snowflake only, as
    stg_snowflake_account_usage__query_history.
#}

with

source as (

    select * from {{ source('snowflake_account_usage', 'access_history') }}

),

renamed as (

    select
        -- ids
        query_id,

        -- attributes
        direct_objects_accessed,
        base_objects_accessed,

        -- timestamps
        query_start_time as query_started_at

    from source

)

select * from renamed
