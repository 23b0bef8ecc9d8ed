{#
    Where a model lands, by environment (SDD, "Database & Schema Naming Conventions").

    prod:       the layer's own schema: staging, intermediate, core, finance, operations, executive.
    elsewhere:  everything under the target's schema with the layer as a suffix
                (dev_alice_core, ci_run_123_finance, main_staging locally), so developers and CI
                runs never collide with each other or with production.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- elif target.name == 'prod' -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema | trim }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
