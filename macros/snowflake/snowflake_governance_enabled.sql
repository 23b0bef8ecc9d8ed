{#
    Whether the Snowflake-only governance objects are built: masking policies on PII columns
    (macros/snowflake/apply_masking_policies.sql) and the audit view over SNOWFLAKE.ACCOUNT_USAGE. True on every
    Snowflake target except `emulator` (fakesnow on DuckDB has neither masking policies nor account
    usage); `--vars '{snowflake_governance: false}'` switches them off anywhere, `true` forces them.
#}
{% macro snowflake_governance_enabled() %}
    {%- set forced = var('snowflake_governance', none) -%}
    {%- if forced is not none -%}
        {{ return(target.type == 'snowflake' and forced in [true, 'true', 'True', 1]) }}
    {%- endif -%}
    {{ return(target.type == 'snowflake' and target.name != 'emulator') }}
{% endmacro %}
