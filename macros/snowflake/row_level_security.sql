{#
    The user row-level security filters for (SDD, Sigma Design: Row-Level Security).

    Snowflake: current_user(), the user name of whoever queries the secure view (with Sigma's
    OAuth connection, the Sigma user; docs/snowflake.md).
    Elsewhere (DuckDB): the session variable `rls_current_user` (`set variable rls_current_user =
    'ALICE'`), else the dbt var of the same name rendered at build time, else null: no rows.
#}
{% macro current_rls_user() %}
    {{ return(adapter.dispatch('current_rls_user', 'dbt_fieldforce')()) }}
{% endmacro %}

{% macro default__current_rls_user() -%}
    {%- set fallback = var('rls_current_user', none) -%}
    coalesce(getvariable('rls_current_user'), {{ "'" ~ (fallback | replace("'", "''")) ~ "'" if fallback else 'null' }})
{%- endmacro %}

{% macro snowflake__current_rls_user() -%}
    current_user()
{%- endmacro %}

{#
    The region_ids the current user may see: the regions of their 'read' rows, every region for
    an 'admin' row. A select statement, for a CTE of a secure view.

    Fails closed: the views read the mapping table as it is now, so a row its tests would reject
    (seeds/_seeds.yml, tests/singular/assert_user_region_access_is_valid.sql) is live as soon as
    `dbt seed` loads it. Such a row grants nothing: an admin row must have no region, a read row
    one region of seed_regions; any other access level counts for none. User names compare
    trimmed and without case, as Snowflake's current_user() returns an unquoted user name.
#}
{% macro rls_visible_regions() -%}
    select distinct regions.region_id
    from {{ ref('seed_regions') }} as regions
    inner join {{ ref('seed_user_region_access') }} as user_access
        on
            (user_access.access_level = 'admin' and user_access.region_id is null)
            or (user_access.access_level = 'read' and regions.region_id = user_access.region_id)
    where upper(trim(user_access.user_name)) = upper(trim({{ current_rls_user() }}))
{%- endmacro %}

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
