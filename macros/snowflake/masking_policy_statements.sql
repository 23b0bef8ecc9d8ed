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
