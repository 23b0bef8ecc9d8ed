{{
    config(
        materialized='ephemeral',
        enabled=snowflake_governance_enabled() and target.name != 'dev',
    )
}}

{#
    Every query run on the account (SNOWFLAKE.ACCOUNT_USAGE.QUERY_HISTORY), named as the project
    names things. Ephemeral: it holds every user's query text, so it is no relation of its own that
    a staging reader could read; v_data_access_log, readable by GOVERNANCE_READ_ROLE alone, is the
    one place it is stored as a view. Snowflake only, as that view is.
#}

with

source as (

    select * from {{ source('snowflake_account_usage', 'query_history') }}

),

renamed as (

    select
        -- ids
        query_id,

        -- attributes
        user_name,
        role_name,
        warehouse_name,
        database_name,
        query_type,
        execution_status,
        query_text,

        -- measures
        rows_produced,

        -- timestamps
        start_time as query_started_at

    from source

)

select * from renamed
