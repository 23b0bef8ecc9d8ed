{% macro run_history_relation(identifier) -%}
    {{ return(api.Relation.create(database=generate_database_name('marts', none) | trim,
                                  schema=generate_schema_name('run_history', none) | trim,
                                  identifier=identifier)) }}
{%- endmacro %}
