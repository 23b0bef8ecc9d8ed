{{ config(grants=sigma_readable_grants()) }}

{#
    The calendar, 2020-01-01 to 2030-12-31, with FieldForce Pro's fiscal periods and holidays.
    The fiscal year starts on February 1 and is named for the calendar year it ends in
    (FY2026 = Feb 2025 - Jan 2026). Weeks start on Monday on both targets.
#}

with

digits as (

    select 0 as digit
    union all
    select 1
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5
    union all
    select 6
    union all
    select 7
    union all
    select 8
    union all
    select 9

),

day_numbers as (

    select ones.digit + 10 * tens.digit + 100 * hundreds.digit + 1000 * thousands.digit as day_number
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands

),

days as (

    select cast({{ dbt.dateadd('day', 'day_number', "cast('2020-01-01' as date)") }} as date) as date_day
    from day_numbers
    where day_number < {{ dbt.datediff("cast('2020-01-01' as date)", "cast('2031-01-01' as date)", 'day') }}

),

holidays as (

    select * from {{ ref('seed_holidays') }}

),

parts as (

    select
        date_day,
        extract(year from date_day) as calendar_year,
        extract(quarter from date_day) as calendar_quarter,
        extract(month from date_day) as calendar_month,
        extract(day from date_day) as day_of_month,
        -- 0 = Sunday on both targets
        extract(dayofweek from date_day) as day_of_week,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start_date,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date
    from days

),

fiscal_parts as (

    select
        date_day,
        case when calendar_month >= 2 then calendar_year + 1 else calendar_year end as fiscal_year,
        case
            when calendar_month = 1 then 4
            else cast(floor((calendar_month - 2) / 3) as {{ dbt.type_int() }}) + 1
        end as fiscal_quarter,
        case when calendar_month >= 2 then calendar_month - 1 else 12 end as fiscal_month
    from parts

),

final as (

    select
        -- ids
        parts.date_day,

        -- attributes
        parts.calendar_year,
        parts.calendar_quarter,
        parts.calendar_month,
        case parts.calendar_month
            when 1 then 'January' when 2 then 'February' when 3 then 'March' when 4 then 'April'
            when 5 then 'May' when 6 then 'June' when 7 then 'July' when 8 then 'August'
            when 9 then 'September' when 10 then 'October' when 11 then 'November' else 'December'
        end as month_name,
        parts.day_of_month,
        parts.day_of_week,
        case parts.day_of_week
            when 0 then 'Sunday' when 1 then 'Monday' when 2 then 'Tuesday' when 3 then 'Wednesday'
            when 4 then 'Thursday' when 5 then 'Friday' else 'Saturday'
        end as day_name,
        parts.week_start_date,
        parts.month_start_date,
        fiscal_parts.fiscal_year,
        fiscal_parts.fiscal_quarter,
        fiscal_parts.fiscal_month,
        -- one label per fiscal quarter, which sorts in time order: the Semantic Layer's
        -- metric_time__fiscal_quarter
        {{ dbt.concat([
            "'FY'",
            dbt.cast('fiscal_parts.fiscal_year', dbt.type_string()),
            "'-Q'",
            dbt.cast('fiscal_parts.fiscal_quarter', dbt.type_string()),
        ]) }} as fiscal_quarter_name,
        parts.day_of_week in (0, 6) as is_weekend,
        holidays.holiday_date is not null as is_holiday,
        holidays.holiday_name,
        coalesce(holidays.is_company_closed, false) as is_company_closed,
        parts.day_of_week not in (0, 6) and not coalesce(holidays.is_company_closed, false) as is_business_day

    from parts
    inner join fiscal_parts
        on parts.date_day = fiscal_parts.date_day
    left join holidays
        on parts.date_day = holidays.holiday_date

)

select * from final
