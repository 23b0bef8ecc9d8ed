{#
    A base table holds every key of its raw table, each at the version Fivetran landed last
    (keep='latest') or first (keep='first', event streams): compared by key and sync time, whole
    table against whole table.

    Why: a base table reads raw by sync time, re-reading `staging_lookback_hours` behind its
    high-water mark. A row Fivetran commits later than that after rows stamped later than it (a
    sync that stalled for hours) is one the incremental runs never read; so is a row removed from
    raw by hand. This test is how such a row fails the build instead of going unnoticed. The fix:
    `dbt build --select <base table>+ --full-refresh`, and a larger `staging_lookback_hours` if
    it happens again (docs/incremental.md).

    A daily run compares the raw rows synced since `raw_test_window_hours` before the table's
    high-water mark as it stood before its last run (the latest sync time of the rows that run did
    not write): that run's batch and a day before it, whatever the history holds, so a row
    Fivetran commits up to that long after later ones fails the run that should have read it.
    A full-test run (`full_tests`, weekly and in CI) compares whole tables, which also finds
    older misses and rows removed from raw (macros/test_scope/). After a full build, which
    writes every row in one run, the comparison is whole either way.

    `keys` maps the raw key columns to the table's: {id: job_id}. `event_time` (keep='first'),
    the column of the event's time in both, bounds the daily look-up of earlier deliveries to the
    stored events no older than the window's redelivered ones, since a redelivery repeats its
    event's time: the look-up then costs the window, not the history. A redelivery under another
    time, which webhooks never send, can be reported as missed: loudly, never a pass (the base
    table's own look-up relies on the same, and `unique` fails on the copy it would store).
#}
{% test holds_every_raw_version(model, raw, keys, keep='latest', event_time=none) %}

{%- if keep not in ['latest', 'first'] -%}
    {{ exceptions.raise_compiler_error("holds_every_raw_version: keep must be 'latest' or 'first', not '" ~ keep ~ "'") }}
{%- endif -%}
{%- if event_time is not none and keep != 'first' -%}
    {{ exceptions.raise_compiler_error("holds_every_raw_version: event_time bounds the look-up of earlier deliveries, which only keep='first' makes") }}
{%- endif -%}
{%- set scoped = not full_tests() -%}
{#- only a daily run looks up earlier deliveries, so only it needs the landed events' times -#}
{%- set bound_by_time = scoped and event_time is not none -%}
{%- set raw_keys = [] -%}
{%- for raw_key in keys -%}{%- do raw_keys.append(quote_identifier(raw_key)) -%}{%- endfor -%}
{%- set model_keys = keys.values() | list -%}

with

{% if scoped -%}
-- the high-water mark before the last run, from the rows it did not write (after a full build
-- there are none: compare everything)
window_start as (

    select
        coalesce(
            {{ dbt.dateadd('hour', -1 * var('raw_test_window_hours'), 'max(_fivetran_synced)') }},
            cast('1900-01-01' as {{ dbt.type_timestamp() }})
        ) as synced_from
    from {{ model }}
    where not ({{ written_by_last_run(model) }})

),

{% endif -%}

raw_versions as (

    select
        {% for raw_key in raw_keys -%}
        {{ raw_key }} as {{ model_keys[loop.index0] }},
        {% endfor -%}
        {%- if bound_by_time %}
        min(cast({{ event_time }} as {{ dbt.type_timestamp() }})) as landed_event_time,
        {%- endif %}
        {{ 'min' if keep == 'first' else 'max' }}(_fivetran_synced) as _fivetran_synced
    from {{ raw }}
    {% if scoped -%}
    where _fivetran_synced >= (select synced_from from window_start)
    {% endif -%}
    group by {{ raw_keys | join(', ') }}

),

stored as (

    select
        {% for model_key in model_keys -%}
        {{ model_key }},
        {% endfor -%}
        _fivetran_synced
    from {{ model }}
    {% if scoped -%}
    where _fivetran_synced >= (select synced_from from window_start)
    {% endif %}

),

compared as (

    select
        {% for model_key in model_keys -%}
        coalesce(raw_versions.{{ model_key }}, stored.{{ model_key }}) as {{ model_key }},
        {% endfor -%}
        {%- if bound_by_time %}
        raw_versions.landed_event_time,
        {%- endif %}
        raw_versions._fivetran_synced as landed_synced,
        stored._fivetran_synced as stored_synced
    from raw_versions
    full outer join stored
        on
            {% for model_key in model_keys -%}
            raw_versions.{{ model_key }} = stored.{{ model_key }}
            {%- if not loop.last %} and {% endif %}
            {% endfor %}
    where raw_versions._fivetran_synced is distinct from stored._fivetran_synced

),

{% if scoped and keep == 'first' -%}

-- A later delivery, in the window, of an event first delivered before it: the table holds the
-- first one, from before the window. Only the few keys the window lacks are looked up: in the
-- whole table, or (event_time) among the stored events as recent as theirs.
stored_before_window as (

    select {{ model_keys | join(', ') }}
    from {{ model }}
    where
        _fivetran_synced < (select synced_from from window_start)
        {%- if bound_by_time %}
        and {{ event_time }} >= (select min(landed_event_time) from compared where stored_synced is null)
        {%- endif %}
        and ({{ model_keys | join(', ') }}) in (
            select {{ model_keys | join(', ') }} from compared where stored_synced is null
        )

),

missed as (

    select compared.*
    from compared
    left join stored_before_window
        on
            {% for model_key in model_keys -%}
            compared.{{ model_key }} = stored_before_window.{{ model_key }}
            {%- if not loop.last %} and {% endif %}
            {% endfor %}
    where stored_before_window.{{ model_keys[0] }} is null

)

{%- else -%}

missed as (

    select * from compared

)

{%- endif %}

select * from missed

{% endtest %}
