{#
    One row per recorded dbt command: how many nodes it ran, failed, warned and skipped, and
    whether it succeeded (no node failed or was skipped).
#}

with

invocations as (

    select * from {{ ref('stg_dbt_run_history__invocations') }}

),

results as (

    select * from {{ ref('fct_dbt_node_results') }}

),

counted as (

    select
        invocation_id,
        count(*) as node_count,
        count(case when is_failed then 1 end) as failed_node_count,
        count(case when is_warned then 1 end) as warned_node_count,
        count(case when status = 'skipped' then 1 end) as skipped_node_count,
        sum(execution_seconds) as node_seconds
    from results
    group by invocation_id

),

final as (

    select
        -- ids
        invocations.invocation_id,

        -- attributes
        invocations.command,
        invocations.target_name,
        invocations.dbt_version,
        invocations.is_full_refresh,
        coalesce(counted.failed_node_count, 0) = 0
        and coalesce(counted.skipped_node_count, 0) = 0 as is_success,

        -- measures
        coalesce(counted.node_count, 0) as node_count,
        coalesce(counted.failed_node_count, 0) as failed_node_count,
        coalesce(counted.warned_node_count, 0) as warned_node_count,
        coalesce(counted.skipped_node_count, 0) as skipped_node_count,
        coalesce(counted.node_seconds, 0) as node_seconds,
        {{ dbt.datediff('invocations.run_started_at', 'invocations.run_completed_at', 'second') }}
            as duration_seconds,

        -- timestamps (UTC)
        invocations.run_started_at,
        invocations.run_completed_at

    from invocations
    left join counted
        on invocations.invocation_id = counted.invocation_id

)

select * from final
