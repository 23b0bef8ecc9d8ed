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

    `keys` maps the raw key columns to the table's: {id: job_id}.
#}
{% test holds_every_raw_version(model, raw, keys, keep='latest') %}

with

raw_versions as (

    select
        {% for raw_key, model_key in keys.items() -%}
        {{ quote_identifier(raw_key) }} as {{ model_key }},
        {% endfor -%}
        {{ 'min' if keep == 'first' else 'max' }}(_fivetran_synced) as _fivetran_synced
    from {{ raw }}
    group by {% for raw_key in keys %}{{ quote_identifier(raw_key) }}{% if not loop.last %}, {% endif %}{% endfor %}

),

stored as (

    select
        {% for model_key in keys.values() -%}
        {{ model_key }},
        {% endfor -%}
        _fivetran_synced
    from {{ model }}

),

missed as (

    select
        {% for model_key in keys.values() -%}
        coalesce(raw_versions.{{ model_key }}, stored.{{ model_key }}) as {{ model_key }},
        {% endfor -%}
        raw_versions._fivetran_synced as landed_synced,
        stored._fivetran_synced as stored_synced
    from raw_versions
    full outer join stored
        on
            {% for model_key in keys.values() -%}
            raw_versions.{{ model_key }} = stored.{{ model_key }}
            {%- if not loop.last %} and {% endif %}
            {% endfor %}
    where raw_versions._fivetran_synced is distinct from stored._fivetran_synced

)

select * from missed

{% endtest %}
