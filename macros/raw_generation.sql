{#
    Locally, `tools generate-raw` replaces the whole raw database with another data set (another
    seed, another day), which no incremental table can follow: its rows came from the old one.
    The generator records a `generation_id` with raw (`_fieldforce_generator.state`), each
    incremental model and snapshot records the generation it was built from (post-hook
    record_raw_generation, in the table `_fieldforce_raw_generations` of the target schema), and a
    run rebuilds whole every incremental model built from another generation (should_full_refresh
    below) and empties every snapshot holding another generation's history. Nothing changes where
    raw has no generator state: on Snowflake, raw is Fivetran's and is never replaced.
#}

{% macro raw_generation_id() -%}
    {%- if not execute or target.type != 'duckdb' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set state = adapter.get_relation(database=var('raw_database'), schema='_fieldforce_generator',
                                         identifier='state') -%}
    {%- if state is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(state) | map(attribute='name') | list -%}
    {%- if 'generation_id' not in columns -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rows = run_query('select generation_id from ' ~ state).rows -%}
    {{ return(rows[0][0] if rows else none) }}
{%- endmacro %}

{% macro raw_generations_relation() -%}
    {{ return(api.Relation.create(database=target.database, schema=target.schema,
                                  identifier='_fieldforce_raw_generations')) }}
{%- endmacro %}

{#- The generation `this` was built from: none when raw has none, 'unknown' when it was not recorded. -#}
{% macro built_from_generation() -%}
    {%- set registry = adapter.get_relation(database=target.database, schema=target.schema,
                                            identifier='_fieldforce_raw_generations') -%}
    {%- if registry is none -%}
        {{ return('unknown') }}
    {%- endif -%}
    {%- set rows = run_query("select generation_id from " ~ registry ~ " where relation_name = '"
                             ~ this.render() ~ "'").rows -%}
    {{ return(rows[0][0] if rows else 'unknown') }}
{%- endmacro %}

{#- Whether `this` exists and holds rows of another raw data set than the one raw holds now. -#}
{% macro built_from_other_raw() -%}
    {%- if not execute or target.type != 'duckdb' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set current = raw_generation_id() -%}
    {%- if current is none or load_relation(this) is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set built_from = built_from_generation() -%}
    {%- if built_from != current -%}
        {%- do log(this.identifier ~ " was built from another raw data set (generation " ~ built_from
                   ~ ", raw now holds " ~ current ~ "): rebuilding it whole", info=true) -%}
        {{ return(true) }}
    {%- endif -%}
    {{ return(false) }}
{%- endmacro %}

{#
    dbt's own should_full_refresh (the --full-refresh flag, or the model's full_refresh config),
    plus: an incremental model built from another raw data set is rebuilt whole.
#}
{% macro should_full_refresh() -%}
    {%- set configured = config.get('full_refresh') -%}
    {%- if configured is none -%}
        {%- set configured = flags.FULL_REFRESH -%}
    {%- endif -%}
    {%- if not configured and model.config.materialized == 'incremental' and built_from_other_raw() -%}
        {{ return(true) }}
    {%- endif -%}
    {{ return(configured) }}
{%- endmacro %}

{#- Post-hook of incremental models and snapshots: remember the raw data set `this` now holds. -#}
{% macro record_raw_generation() -%}
    {%- set current = raw_generation_id() if model.config.materialized in ['incremental', 'snapshot'] else none -%}
    {%- if current is not none -%}
        {%- set registry = raw_generations_relation() -%}
        create table if not exists {{ registry }} (relation_name varchar, generation_id varchar);
        delete from {{ registry }} where relation_name = '{{ this.render() }}';
        insert into {{ registry }} values ('{{ this.render() }}', '{{ current }}')
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of snapshots: history of another raw data set is not history of this one. -#}
{% macro forget_history_of_other_raw() -%}
    {%- if built_from_other_raw() -%}
        delete from {{ this }}
    {%- endif -%}
{%- endmacro %}
