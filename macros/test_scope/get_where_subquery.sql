{#-
    How a generic test reads its model: dbt's own `where`, plus the scope `last_run`, alone or
    before other conditions (`where: last_run and not is_deleted`).
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') or '' -%}
    {%- if where == 'last_run' or where.startswith('last_run and ') -%}
        {%- set own_condition = where[('last_run and ' | length):] -%}
        {%- set conditions = [] if full_tests() else [written_by_last_run(relation)] -%}
        {%- if own_condition -%}
            {%- do conditions.append('(' ~ own_condition ~ ')') -%}
        {%- endif -%}
        {%- if not conditions -%}
            {{ return(relation) }}
        {%- endif -%}
        {{ return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery') }}
    {%- endif -%}
    {{ return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) }}
{%- endmacro %}
