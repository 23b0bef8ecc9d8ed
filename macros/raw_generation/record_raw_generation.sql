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
