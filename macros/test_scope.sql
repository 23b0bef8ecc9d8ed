{#
    Daily runs test what the run wrote; a full-test run (`--vars '{full_tests: true}'`, the
    weekly job and CI, docs/testing.md) tests whole tables. A full build writes every row in
    one run, so it is tested whole either way.

    Two scopes, both of the rows the table's last run wrote (its latest `_dbt_loaded_at`, so that
    a `dbt test` after a `dbt build` tests the same rows as the build did):
    - `config: {where: last_run}` on a test of rows (not_null, relationships, accepted_values,
      ...): the test reads those rows only (get_where_subquery, below).
    - `arguments: {keys_of: last_run}` on a uniqueness test (unique, unique_combination_of_columns):
      the keys of those rows, each checked against the whole table.
#}

{% macro full_tests() -%}
    {%- set value = var('full_tests', false) -%}
    {%- if value in [true, false] -%}
        {{ return(value) }}
    {%- elif value | string | lower in ['true', '1', 'yes'] -%}
        {{ return(true) }}
    {%- elif value | string | lower in ['false', '0', 'no', 'none', ''] -%}
        {{ return(false) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("var full_tests must be true or false, not '" ~ value ~ "'") }}
{%- endmacro %}

{#- The rows of `relation` that its last run wrote. -#}
{% macro written_by_last_run(relation) -%}
    _dbt_loaded_at = (select max(last_run._dbt_loaded_at) from {{ relation }} as last_run)
{%- endmacro %}

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

{#-
    Whether the last run wrote every row of `relation`, as a full build does: its keys are then
    all the keys, and a plain group-by checks them for a fraction of the cost of a semi-join of
    the table with itself (17 s against 25 s for 96M pings). Before the table exists (a
    `dbt compile` of a new project), or when the count returns no row (an offline compile), the
    scoped SQL is kept.
-#}
{% macro written_whole_by_last_run(relation) -%}
    {%- if not execute or relation is string or load_relation(relation) is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set query -%}
        select count(*) from {{ relation }} where not ({{ written_by_last_run(relation) }})
    {%- endset -%}
    {%- set result = run_query(query) -%}
    {{ return(result.columns | length == 1 and result.rows | length == 1 and result.rows[0][0] == 0) }}
{%- endmacro %}

{#- Keys of `relation` to test for uniqueness: all, or (keys_of='last_run') those its last run wrote. -#}
{% macro keys_to_test(relation, columns, keys_of) -%}
    {%- if keys_of not in ['all', 'last_run'] -%}
        {{ exceptions.raise_compiler_error("keys_of must be 'all' or 'last_run', not '" ~ keys_of ~ "'") }}
    {%- endif -%}
    {%- if keys_of == 'last_run' and not full_tests() and not written_whole_by_last_run(relation) -%}
        where ({{ columns | join(', ') }}) in (
            select {{ columns | join(', ') }} from {{ relation }}
            where {{ written_by_last_run(relation) }}
        )
    {%- endif -%}
{%- endmacro %}
