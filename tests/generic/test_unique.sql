{#
    dbt's `unique`, which can also test only the keys the last run wrote (keys_of='last_run'),
    each against the whole table: a daily run's check of a large incremental table
    (macros/test_scope/). Without the argument, or in a full-test run, dbt's own test.
#}
{% test unique(model, column_name, keys_of='all') %}

{%- if keys_of == 'all' %}
{{ dbt.default__test_unique(model, column_name) }}
{%- else %}

with

tested as (

    select {{ column_name }} as unique_field
    from {{ model }}
    {{ keys_to_test(model, [column_name], keys_of) }}

)

select
    unique_field,
    count(*) as n_records
from tested
where unique_field is not null
group by unique_field
having count(*) > 1

{%- endif %}

{% endtest %}
