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
