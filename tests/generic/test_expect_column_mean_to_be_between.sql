{#
    The mean of the column lies within [min_value, max_value] - over the whole table, or within
    every group when group_by lists columns (a sudden drop on one day fails that day only).
    (The dbt-expectations test of the same name, which cannot be installed here.)
#}
{% test expect_column_mean_to_be_between(model, column_name, min_value=none, max_value=none, group_by=none) %}

with

grouped as (

    select
        {% if group_by %}{{ group_by | join(', ') }},{% endif %}
        avg(cast({{ column_name }} as double precision)) as column_mean
    from {{ model }}
    {% if group_by %}group by {{ group_by | join(', ') }}{% endif %}

)

select *
from grouped
where
    false
    {% if min_value is not none %} or column_mean < {{ min_value }}{% endif %}
    {% if max_value is not none %} or column_mean > {{ max_value }}{% endif %}

{% endtest %}
