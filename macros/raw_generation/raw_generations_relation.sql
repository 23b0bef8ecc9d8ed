{% macro raw_generations_relation() -%}
    {{ return(api.Relation.create(database=target.database, schema=target.schema,
                                  identifier='_fieldforce_raw_generations')) }}
{%- endmacro %}
