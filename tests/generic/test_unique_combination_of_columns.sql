{#
    The combination of the given columns is unique: the test for composite primary keys
    (dbt_utils.unique_combination_of_columns, which this project cannot install from the hub).
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

grouped as (

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as row_count
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}

)

select * from grouped
where row_count > 1

{% endtest %}
