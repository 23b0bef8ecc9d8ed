{#
    Relation names follow the SDD's {prefix}_{entity}_{suffix} convention, which is the model's
    file name; an explicit `alias` config wins, and versioned models get a _v<N> suffix.
#}
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
    {%- if custom_alias_name -%}
        {{ custom_alias_name | trim }}
    {%- elif node.version -%}
        {{ node.name ~ '_v' ~ (node.version | replace('.', '_')) }}
    {%- else -%}
        {{ node.name }}
    {%- endif -%}
{%- endmacro %}
