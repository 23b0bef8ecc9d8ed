{#
    Dynamic data masking (SDD, PII Handling). A post-hook on every model, seed and snapshot
    (dbt_project.yml) sets the masking policy of every column whose YAML carries
    `meta: {pii: <class>}` (email, phone, name, address, postal_code, location), so the policy
    follows the classification, not a hand-kept list. The policies themselves
    (ANALYTICS_MARTS.SECURITY.*) are platform objects: macros/snowflake/platform.sql.

    On every relation dbt builds, tables and views alike. A view over a table reads it with its
    owner's rights, so a view without policies of its own would show the table's columns in clear
    while the table is rebuilt (`create or replace` makes a new table, masked only by this hook)
    or after this hook failed on it. The masks leave a masked value as it is, so a view's policy
    over a masked column shows what the table's shows.

    FORCE replaces a policy already on the column, so the hook is safe on incremental tables
    that keep their columns between runs. Off Snowflake (and on the emulator, see
    snowflake_governance_enabled) the hook renders nothing.
#}
{% macro apply_masking_policies() %}
    {{ return(adapter.dispatch('apply_masking_policies', 'dbt_fieldforce')()) }}
{% endmacro %}

{% macro default__apply_masking_policies() %}
{% endmacro %}

{% macro snowflake__apply_masking_policies() %}
    {%- if snowflake_governance_enabled() -%}
        {{ masking_policy_statements(model, this) | join(';\n') }}
    {%- endif -%}
{% endmacro %}
