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
