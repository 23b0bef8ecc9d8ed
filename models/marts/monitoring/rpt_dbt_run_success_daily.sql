{#
    dbt job success rate (SDD, Reliability & Operations): per day, command and target, the
    share of recorded commands that succeeded.
#}

with

invocations as (

    select * from {{ ref('fct_dbt_invocations') }}

),

daily as (

    select
        cast(run_started_at as date) as run_date,
        command,
        target_name,
        count(*) as run_count,
        count(case when is_success then 1 end) as successful_run_count,
        cast(sum(duration_seconds) as {{ dbt.type_bigint() }}) as duration_seconds
    from invocations
    group by cast(run_started_at as date), command, target_name

),

final as (

    select
        -- ids
        {{ surrogate_key(['run_date', 'command', 'target_name']) }} as run_day_id,

        -- attributes
        run_date,
        command,
        target_name,

        -- measures
        run_count,
        successful_run_count,
        {{ safe_ratio('successful_run_count', 'run_count') }} as success_rate,
        duration_seconds

    from daily

)

select * from final
