{#
    Great-circle distance in miles between two points given in degrees. Uses only functions
    both DuckDB and Snowflake have (radians, sin, cos, asin, sqrt).
#}
{% macro haversine_miles(lat1, lon1, lat2, lon2) -%}
    2 * 3958.8 * asin(sqrt(
        power(sin((radians({{ lat2 }}) - radians({{ lat1 }})) / 2), 2)
        + cos(radians({{ lat1 }})) * cos(radians({{ lat2 }}))
        * power(sin((radians({{ lon2 }}) - radians({{ lon1 }})) / 2), 2)
    ))
{%- endmacro %}
