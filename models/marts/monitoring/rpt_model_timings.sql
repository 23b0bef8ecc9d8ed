{#
    The slowest models and their trend: per model, the seconds of its latest successful build
    against the median of the `model_timing_runs` builds before it.
#}

with

builds as (

    select * from {{ ref('fct_dbt_node_results') }}
    where resource_type = 'model' and status = 'success' and command in ('build', 'run')

),

ranked as (

    select
        unique_id,
        node_name,
        execution_seconds,
        run_started_at,
        row_number() over (partition by unique_id order by run_started_at desc, completed_at desc) as recency
    from builds

),

previous as (

    select
        unique_id,
        count(*) as previous_build_count,
        median(execution_seconds) as previous_median_seconds
    from ranked
    where recency between 2 and 1 + {{ var('model_timing_runs') }}
    group by unique_id

),

final as (

    select
        -- ids
        ranked.unique_id,

        -- attributes
        ranked.node_name as model_name,
        rank() over (order by ranked.execution_seconds desc) as slowness_rank,

        -- measures
        ranked.execution_seconds as latest_seconds,
        previous.previous_median_seconds,
        coalesce(previous.previous_build_count, 0) as previous_build_count,
        {{ safe_ratio('ranked.execution_seconds', 'previous.previous_median_seconds', 2) }} as trend_ratio,

        -- timestamps (UTC)
        ranked.run_started_at as latest_build_at

    from ranked
    left join previous
        on ranked.unique_id = previous.unique_id
    where ranked.recency = 1

)

select * from final
