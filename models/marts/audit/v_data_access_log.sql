{{
    config(
        materialized='view',
        enabled=snowflake_governance_enabled() and target.name != 'dev',
    )
}}

{#
    Who read what (SDD, Audit Logging): every successful query with the objects it accessed, from
    Snowflake's account usage (up to ~3 hours behind; ACCESS_HISTORY needs Enterprise edition).
    Snowflake only: DuckDB (and the fakesnow emulator) has no account usage, so the model is
    disabled there (macros/snowflake/snowflake_governance_enabled.sql), and in dev: developers' role does not read
    other users' query history. The owner (DBT_PROD_ROLE, DBT_CI_ROLE) reads
    SNOWFLAKE.ACCOUNT_USAGE through the GOVERNANCE_VIEWER database role; readers need only
    GOVERNANCE_READ_ROLE (dbt_project.yml grants).
#}

with

query_history as (

    select * from {{ ref('stg_snowflake_account_usage__query_history') }}

),

access_history as (

    select * from {{ ref('stg_snowflake_account_usage__access_history') }}

),

final as (

    select
        -- ids
        query_history.query_id,

        -- attributes
        query_history.user_name,
        query_history.role_name,
        query_history.warehouse_name,
        query_history.database_name,
        query_history.query_type,
        query_history.execution_status,
        query_history.query_text,
        access_history.direct_objects_accessed,
        access_history.base_objects_accessed,

        -- measures
        query_history.rows_produced,

        -- timestamps
        query_history.query_started_at as access_time

    from query_history
    inner join access_history
        on query_history.query_id = access_history.query_id
    where query_history.execution_status = 'SUCCESS'

)

select * from final
