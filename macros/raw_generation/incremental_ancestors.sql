{#- The incremental models and snapshots `unique_id` reads from, through any tables and views between. -#}
{% macro incremental_ancestors(unique_id) -%}
    {%- set found = [] -%}
    {%- for parent in graph.nodes[unique_id].depends_on.nodes if parent in graph.nodes -%}
        {%- set node = graph.nodes[parent] -%}
        {%- if node.config.materialized in ['incremental', 'snapshot'] -%}
            {%- do found.append(node.relation_name) -%}
        {%- elif node.resource_type == 'model' -%}
            {%- do found.extend(incremental_ancestors(parent)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found | unique | list) }}
{%- endmacro %}
