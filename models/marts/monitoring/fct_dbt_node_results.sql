{#
    One row per node a recorded dbt command ran, with the command and target it ran under:
    what the operations monitoring dashboard filters, counts and times.
#}

with

results as (

    select * from {{ ref('stg_dbt_run_history__node_results') }}

),

invocations as (

    select * from {{ ref('stg_dbt_run_history__invocations') }}

),

joined as (

    select
        -- ids
        results.node_result_id,
        results.invocation_id,
        results.unique_id,

        -- attributes
        results.resource_type,
        results.node_name,
        invocations.command,
        invocations.target_name,
        results.status,
        -- dbt's statuses: success/pass/no-op done, warn a warning, error/fail/runtime error failed,
        -- skipped not run because something upstream failed
        results.status in ('error', 'fail', 'runtime error') as is_failed,
        results.status = 'warn' as is_warned,
        results.message,

        -- measures
        results.execution_seconds,
        results.rows_affected,
        results.failure_count,
        results.freshness_age_seconds,

        -- timestamps (UTC)
        results.max_loaded_at,
        invocations.run_started_at,
        results.started_at,
        results.completed_at

    from results
    inner join invocations
        on results.invocation_id = invocations.invocation_id

),

final as (

    select * from joined

)

select * from final
