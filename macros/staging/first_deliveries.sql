{#
    Keep each event's first delivery (least `synced`, ties broken by the least `tie_breaker`,
    Fivetran's `_fivetran_id`), for an append-only stream in which a key repeats rarely: a retried
    webhook. Only the keys delivered more than once are ranked, so a day's tens of millions of GPS
    pings cost one aggregate of their keys rather than a sort of every row (deduplicate), which
    DuckDB plans as an arg_min over all the columns. A null key is not an event; its rows are kept
    for the not_null test to fail on.
#}
{% macro first_deliveries(relation, key, synced='_fivetran_synced', tie_breaker='_fivetran_id') -%}
    select {{ relation }}.*
    from {{ relation }}
    left join (
        select
            candidates.{{ key }},
            min(candidates.{{ tie_breaker }}) as first_tie_breaker
        from {{ relation }} as candidates
        inner join (
            select
                {{ key }},
                min({{ synced }}) as first_synced
            from {{ relation }}
            group by {{ key }}
            having count(*) > 1
        ) as repeated
            on
                candidates.{{ key }} = repeated.{{ key }}
                and candidates.{{ synced }} = repeated.first_synced
        group by candidates.{{ key }}
    ) as first_of_repeated
        on {{ relation }}.{{ key }} = first_of_repeated.{{ key }}
    where
        first_of_repeated.{{ key }} is null
        or {{ relation }}.{{ tie_breaker }} = first_of_repeated.first_tie_breaker
{%- endmacro %}
