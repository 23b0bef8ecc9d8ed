{#- The generations the registry holds for these relations (rendered names): {name: generation}. -#}
{% macro recorded_generations(relation_names) -%}
    {%- set registry = raw_generations_relation() -%}
    {#- not adapter.get_relation: dbt's relation cache is from before the run made the registry -#}
    {%- set exists = run_query("select count(*) from information_schema.tables where table_catalog = '"
                               ~ target.database ~ "' and table_schema = '" ~ target.schema
                               ~ "' and table_name = '_fieldforce_raw_generations'").rows[0][0] -%}
    {%- if not exists or not relation_names -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for name in relation_names -%}
        {%- do quoted.append("'" ~ name | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {%- set rows = run_query("select relation_name, generation_id from " ~ registry
                             ~ " where relation_name in (" ~ quoted | join(', ') ~ ")").rows -%}
    {%- set found = {} -%}
    {%- for row in rows -%}
        {%- do found.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}
