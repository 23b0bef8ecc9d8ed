{#
    The rows of an import CTE that belong to a region the current user may see (its region_id):
    the body of the secure view over a mart with a region of its own (v_fct_revenue_rls, ...).
#}
{% macro rows_in_visible_regions(rows) -%}
    select {{ rows }}.*
    from {{ rows }}
    inner join ({{ rls_visible_regions() }}) as visible_regions
        on {{ rows }}.region_id = visible_regions.region_id
{%- endmacro %}
