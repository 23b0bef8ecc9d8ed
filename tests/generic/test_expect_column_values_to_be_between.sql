{#
    Every non-null value lies within [min_value, max_value]; either bound may be left out.
    Bounds are SQL expressions, so min_value: "cast('2020-01-01' as date)" works.
    (The dbt-expectations test of the same name, which cannot be installed here.)
#}
{% test expect_column_values_to_be_between(model, column_name, min_value=none, max_value=none) %}

select {{ column_name }}
from {{ model }}
where
    {{ column_name }} is not null
    and (
        false
        {% if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
        {% if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
    )

{% endtest %}
