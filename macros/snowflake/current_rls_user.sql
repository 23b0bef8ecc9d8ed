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
