{#
    The freshness SLO per source table (SDD: 99.5% of checks on time): the share of
    `dbt source freshness` checks of the last `monitoring_window_days` days (counted back from
    the newest check recorded, not the wall clock) that found the table within its error_after
    threshold. A warning (past warn_after) is still on time: it is the early notice, an error
    is the breach.
#}

with

checks as (

    select * from {{ ref('fct_dbt_node_results') }}
    where resource_type = 'source' and command = 'freshness'

),

newest as (

    select max(run_started_at) as newest_check_at from checks

),

in_window as (

    select checks.*
    from checks
    cross join newest
    where checks.run_started_at > {{ dbt.dateadd('day', -1 * var('monitoring_window_days'), 'newest.newest_check_at') }}

),

latest as (

    select
        unique_id,
        status as latest_status,
        freshness_age_seconds as latest_age_seconds,
        run_started_at as latest_check_at,
        row_number() over (partition by unique_id order by run_started_at desc) as recency
    from in_window

),

per_source as (

    select
        unique_id,
        count(*) as check_count,
        count(case when status in ('pass', 'warn') then 1 end) as on_time_check_count,
        max(freshness_age_seconds) as max_age_seconds
    from in_window
    group by unique_id

),

shares as (

    select
        per_source.*,
        {{ safe_ratio('on_time_check_count', 'check_count') }} as on_time_share
    from per_source

),

final as (

    select
        -- ids
        shares.unique_id,

        -- attributes
        {{ dbt.split_part('shares.unique_id', "'.'", 3) }} as source_name,
        {{ dbt.split_part('shares.unique_id', "'.'", 4) }} as table_name,
        latest.latest_status,
        shares.on_time_share >= {{ var('freshness_slo_target') }} as is_slo_met,

        -- measures
        shares.check_count,
        shares.on_time_check_count,
        shares.on_time_share,
        cast({{ var('freshness_slo_target') }} as numeric(18, 4)) as slo_target,
        latest.latest_age_seconds,
        shares.max_age_seconds,

        -- timestamps (UTC)
        latest.latest_check_at

    from shares
    inner join latest
        on shares.unique_id = latest.unique_id and latest.recency = 1

)

select * from final
