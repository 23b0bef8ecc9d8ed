{# Operations dashboard, job board: jobs per status and priority scheduled in the last 7 days. #}

with

board as (

    select * from {{ ref('v_rpt_job_board_daily_rls') }}

),

window_start as (

    select {{ dbt.dateadd('day', -7, 'max(scheduled_date)') }} as start_date
    from board

),

final as (

    select
        board.scheduled_date as job_scheduled_date,
        board.job_status,
        board.job_priority,
        sum(board.jobs) as jobs,
        sum(board.total_amount) as total_amount
    from board
    inner join window_start on board.scheduled_date > window_start.start_date
    group by board.scheduled_date, board.job_status, board.job_priority

)

select * from final
order by job_scheduled_date, job_status, job_priority
