{#
    Locally, `tools generate-raw` replaces the whole raw database with another data set (another
    seed, another day), which no incremental table can follow: its rows came from the old one.
    The generator records a `generation_id` with raw (`_fieldforce_generator.state`); each
    incremental model and snapshot records the generation it holds (post-hook
    record_raw_generation, in the table `_fieldforce_raw_generations` of the target schema); a
    run rebuilds whole every incremental model holding another generation (should_full_refresh
    below) and empties every snapshot holding another generation's history.

    A model rebuilt from inputs that still hold the old data set (`dbt build --select` of part of
    the platform) holds the old data set too: it records 'stale', and is rebuilt again once its
    inputs are current. Nothing happens where raw has no generator state: on Snowflake, raw is
    Fivetran's and is never replaced.
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

{#- Whether `this` exists and holds another raw data set than raw holds now ('unknown' when never recorded). -#}
{% macro holds_other_raw(unknown_counts=true) -%}
    {%- if not execute or target.type != 'duckdb' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set current = raw_generation_id() -%}
    {%- if current is none or load_relation(this) is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set held = recorded_generations([this.render()]).get(this.render(), 'unknown') -%}
    {{ return(held != current and (unknown_counts or held != 'unknown')) }}
{%- endmacro %}

{#
    dbt's own should_full_refresh (the --full-refresh flag, or the model's full_refresh config),
    plus: an incremental model holding another raw data set is rebuilt whole, unless it says
    `full_refresh: false`.
#}
{% macro should_full_refresh() -%}
    {%- set configured = config.get('full_refresh') -%}
    {%- if configured is none -%}
        {%- if model.config.materialized == 'incremental' and not flags.FULL_REFRESH and holds_other_raw() -%}
            {{ return(true) }}
        {%- endif -%}
        {%- set configured = flags.FULL_REFRESH -%}
    {%- endif -%}
    {{ return(configured) }}
{%- endmacro %}

{#
    Post-hook of every model: for incremental models and snapshots, remember the raw data set
    `this` now holds: the current generation if every incremental model it reads holds it too,
    else 'stale'.
#}
{% macro record_raw_generation() -%}
    {%- set current = raw_generation_id() if model.config.materialized in ['incremental', 'snapshot'] else none -%}
    {%- if current is not none -%}
        {%- set name = this.render() -%}
        {%- set ancestors = incremental_ancestors(model.unique_id) -%}
        {%- set recorded = recorded_generations(ancestors + [name]) -%}
        {%- set stale = [] -%}
        {%- for ancestor in ancestors if recorded.get(ancestor) != current -%}
            {%- do stale.append(ancestor) -%}
        {%- endfor -%}
        {%- if stale -%}
            {%- do log(this.identifier ~ " read " ~ stale[0] ~ ", which holds another raw data set: it is "
                       ~ "rebuilt whole once that is current", info=true) -%}
        {%- endif -%}
        {%- if recorded.get(name, current) not in [current, 'unknown'] and not flags.FULL_REFRESH -%}
            {%- do log(this.identifier ~ " held another raw data set (raw was generated anew): "
                       ~ ("its history starts again" if model.config.materialized == 'snapshot' else "rebuilt it whole"),
                       info=true) -%}
        {%- endif -%}
        {%- set registry = raw_generations_relation() -%}
        delete from {{ registry }} where relation_name = '{{ name }}';
        insert into {{ registry }} values ('{{ name }}', '{{ "stale" if stale else current }}')
    {%- endif -%}
{%- endmacro %}

{#-
    on-run-start: the registry, made once before any model runs (two models making it at once,
    in their own transactions, would conflict).
-#}
{% macro create_raw_generations_registry() -%}
    {#- only commands that build incremental models or snapshots record generations -#}
    {%- if target.type == 'duckdb' and flags.WHICH in ['run', 'build', 'snapshot', 'retry']
          and raw_generation_id() is not none -%}
        {#- the first run on a new warehouse has no target schema yet; committed here: dbt rolls
            back what an on-run-start hook leaves open -#}
        {%- do adapter.create_schema(raw_generations_relation()) -%}
        {%- do run_query('create table if not exists ' ~ raw_generations_relation()
                         ~ ' (relation_name varchar, generation_id varchar)') -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of snapshots: history of another raw data set is not history of this one. -#}
{% macro forget_history_of_other_raw() -%}
    {%- if holds_other_raw(unknown_counts=false) -%}
        delete from {{ this }}
    {%- endif -%}
{%- endmacro %}
