{#
    Every non-null value of the column is greater than zero (or at least zero with
    allow_zero=true). Fails with the offending rows.
#}
{% test positive_value(model, column_name, allow_zero=false) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} {{ '<' if allow_zero else '<=' }} 0

{% endtest %}
