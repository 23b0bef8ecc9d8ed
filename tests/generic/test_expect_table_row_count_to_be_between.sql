{#
    The table has between min_value and max_value rows (either bound may be left out).
    (The dbt-expectations test of the same name, which cannot be installed here.)
#}
{% test expect_table_row_count_to_be_between(model, min_value=none, max_value=none) %}

with

counted as (

    select count(*) as row_count from {{ model }}

)

select row_count
from counted
where
    false
    {% if min_value is not none %} or row_count < {{ min_value }}{% endif %}
    {% if max_value is not none %} or row_count > {{ max_value }}{% endif %}

{% endtest %}
