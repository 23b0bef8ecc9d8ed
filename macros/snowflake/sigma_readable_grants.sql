{#
    The grants of what Sigma may read (SDD, Row-Level Security: "grant Sigma role access to
    secure view only"): the row-level security views and the marts whose rows belong to no
    region. BI_READ_ROLE (SIGMA_BI_ROLE's only data role) gets SELECT on these relations and on
    nothing else: no schema-wide or future grant (macros/snowflake/platform.sql). Analysts keep
    MARTS_READ_ROLE. Prod only, as the project's other grants (dbt_project.yml).

    Used as `{{ config(grants=sigma_readable_grants()) }}`; a model's own grants replace the
    folder's, so the marts' reader is named here too.
#}
{% macro sigma_readable_grants() %}
    {{ return({'select': ['MARTS_READ_ROLE', 'BI_READ_ROLE']} if target.name == 'prod' else {}) }}
{% endmacro %}
