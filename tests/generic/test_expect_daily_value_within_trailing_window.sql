{#
    Anomaly detection (the SDD's "row count anomaly" and "trend anomaly"): each of the last
    `days_to_check` days' value lies within the mean of the `trailing_days` days before it, give
    or take the larger of `tolerance` x that mean and `z_score` units of noise.

    - The value of a day is `measure`, a SQL aggregate over the rows whose `date_column` falls on
      it: `count(*)` by default, `sum(<column>)` when the test sits on a column (daily revenue),
      or any aggregate such as `count(distinct id)`. A day without rows counts as zero, so a day
      that lost everything is the loudest anomaly, not a missing row.
    - A day is off when it is further from the mean than `tolerance` x the mean and than
      `z_score` units of noise, measured on the square-root scale (Anscombe's transform, on which
      a count's spread is 1 whatever its mean, and which knows that a count's upper tail is
      longer than its lower): a lost day of 12 rows is news, a lost day of 1 is not, and the
      same test holds at every scale the data comes in. `noise: poisson` (counts) takes one row
      as the unit; `noise: sample` (sums of amounts) takes the trailing days' variance / mean,
      the amount that behaves as one counted thing (an over-dispersed Poisson). For measures
      that are not negative; with no spread at all, only `tolerance` decides.
    - Days follow the data's own clock, not the wall clock: the last day checked is the newest day
      of `date_column` less `settle_days` (the newest day is still filling; paid revenue settles
      for weeks after the invoice date). A day is judged only with a full trailing window inside
      the data, so a short history checks fewer days rather than comparing with empty ones.

    Failing rows name the day, its value, the trailing mean and the range expected.
#}
{% test expect_daily_value_within_trailing_window(
    model, date_column, column_name=none, measure=none, trailing_days=7, days_to_check=7,
    settle_days=1, tolerance=0.5, z_score=4, noise='poisson'
) %}

{%- if measure is none -%}
    {%- set measure = ('sum(' ~ column_name ~ ')') if column_name else 'count(*)' -%}
{%- endif -%}
{%- if noise not in ['poisson', 'sample'] -%}
    {{ exceptions.raise_compiler_error(
        "expect_daily_value_within_trailing_window: noise must be 'poisson' or 'sample', not '" ~ noise ~ "'") }}
{%- endif -%}
{%- for name, value in [('trailing_days', trailing_days), ('days_to_check', days_to_check)] -%}
    {%- if value is not number or value < 1 -%}
        {{ exceptions.raise_compiler_error(
            "expect_daily_value_within_trailing_window: " ~ name ~ " must be a whole number of days >= 1, not '"
            ~ value ~ "'") }}
    {%- endif -%}
{%- endfor -%}
{%- set day_of = 'cast(' ~ date_column ~ ' as date)' -%}
{#- Snowflake has no named WINDOW clause: the frame is spelled out in each call. -#}
{%- set trailing = 'over (order by measured_on rows between ' ~ trailing_days ~ ' preceding and 1 preceding)' -%}

with

data_span as (

    select
        min({{ day_of }}) as first_day,
        cast({{ dbt.dateadd('day', -1 * settle_days, 'max(' ~ day_of ~ ')') }} as date) as last_day
    from {{ model }}

),

-- only the days the check reads: the cost stays that of a few weeks, whatever the history
daily as (

    select
        {{ day_of }} as measured_on,
        cast({{ measure }} as double precision) as measured_value
    from {{ model }}
    where
        {{ date_column }} >= (
            select {{ dbt.dateadd('day', -1 * (trailing_days + days_to_check), 'last_day') }} from data_span
        )
    group by 1

),

day_offsets as (

    {{ dbt.generate_series(trailing_days + days_to_check) }}

),

calendar as (

    select
        cast({{ dbt.dateadd('day', '1 - day_offsets.generated_number', 'data_span.last_day') }} as date)
            as measured_on,
        data_span.first_day,
        data_span.last_day
    from day_offsets
    cross join data_span

),

filled as (

    select
        calendar.measured_on,
        calendar.last_day,
        coalesce(daily.measured_value, 0) as measured_value
    from calendar
    left join daily
        on calendar.measured_on = daily.measured_on
    where calendar.measured_on >= calendar.first_day

),

compared as (

    select
        measured_on,
        last_day,
        measured_value,
        avg(measured_value) {{ trailing }} as trailing_mean,
        {% if noise == 'poisson' -%}
            1
        {%- else -%}
            var_samp(measured_value) {{ trailing }} / nullif(avg(measured_value) {{ trailing }}, 0)
        {%- endif %} as noise_unit,
        count(*) {{ trailing }} as trailing_day_count
    from filled

),

-- the mean and the bounds in noise units, on the square-root scale
scaled as (

    select
        measured_on,
        measured_value,
        trailing_mean,
        noise_unit,
        sqrt(greatest(trailing_mean / nullif(noise_unit, 0), 0) + 0.375) as root_mean
    from compared
    where
        trailing_day_count = {{ trailing_days }}
        and measured_on > cast({{ dbt.dateadd('day', -1 * days_to_check, 'last_day') }} as date)

),

judged as (

    select
        measured_on,
        measured_value,
        trailing_mean,
        case
            when noise_unit > 0
                then least(
                    (1 - {{ tolerance }}) * trailing_mean,
                    noise_unit * (power(greatest(root_mean - {{ z_score }} / 2.0, 0), 2) - 0.375)
                )
            else (1 - {{ tolerance }}) * trailing_mean
        end as expected_low,
        case
            when noise_unit > 0
                then greatest(
                    (1 + {{ tolerance }}) * trailing_mean,
                    noise_unit * (power(root_mean + {{ z_score }} / 2.0, 2) - 0.375)
                )
            else (1 + {{ tolerance }}) * trailing_mean
        end as expected_high
    from scaled

),

final as (

    select *
    from judged
    where measured_value < expected_low or measured_value > expected_high

)

select * from final

{% endtest %}
