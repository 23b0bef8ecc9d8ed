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

{#
    The ALTER statements for one node (a dict as in the graph) and its relation; every
    dialect-free piece is here so that tests can render it from the manifest.
#}
{% macro masking_policy_statements(node, relation) %}
    {%- set spec = platform_spec() -%}
    {%- set policies = {} -%}
    {%- for policy in spec.masking_policies -%}
        {%- do policies.update({policy.pii: spec.policy_schema ~ '.' ~ policy.name}) -%}
    {%- endfor -%}
    {%- set kind = 'view' if node.config.materialized == 'view' else 'table' -%}
    {%- set statements = [] -%}
    {%- for column in (node.columns or {}).values() -%}
        {%- set pii = pii_kind(column) -%}
        {%- if pii -%}
            {%- if pii not in policies -%}
                {{ exceptions.raise_compiler_error(
                    node.name ~ '.' ~ column.name ~ ": meta.pii '" ~ pii ~ "' has no masking policy; known: "
                    ~ (policies.keys() | list | join(', '))) }}
            {%- endif -%}
            {%- do statements.append('alter ' ~ kind ~ ' ' ~ relation ~ ' modify column ' ~ column.name
                                     ~ ' set masking policy ' ~ policies[pii] ~ ' force') -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements) }}
{% endmacro %}

{# `meta: {pii: ...}` of a column, under `config:` (dbt 1.10+) or directly; false/none = not PII. #}
{% macro pii_kind(column) %}
    {%- set found = [] -%}
    {%- for meta in [column.meta, (column.config or {}).meta] -%}
        {%- if meta and meta.pii and meta.pii not in ['none', 'false'] -%}{%- do found.append(meta.pii) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(found[-1] if found else none) }}
{% endmacro %}
