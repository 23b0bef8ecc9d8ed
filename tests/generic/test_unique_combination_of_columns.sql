{#
    The combination of the given columns is unique: the test for composite primary keys
    (dbt_utils.unique_combination_of_columns, which this project cannot install from the hub).
    keys_of='last_run' tests only the combinations the last run wrote, each against the whole
    table (macros/test_scope/).
#}
{% test unique_combination_of_columns(model, combination_of_columns, keys_of='all') %}

with

grouped as (

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as row_count
    from {{ model }}
    {{ keys_to_test(model, combination_of_columns, keys_of) }}
    group by {{ combination_of_columns | join(', ') }}

)

select * from grouped
where row_count > 1

{% endtest %}
