"""The regex reader behind `tools check`: refs, sources, config and hard-coded relations."""

from __future__ import annotations

from tools.check.sql import hard_coded_relations, macro_definitions, read_sql


def test_refs_sources_and_config_with_lines() -> None:
    facts = read_sql(
        "{{ config(\n    materialized='incremental',\n    unique_key='id'\n) }}\n"
        "{# ref('commented_out') #}\n"
        "select * from {{ ref('a') }} join {{ ref(\"pkg\", \"b\") }} using (id)\n"
        "join {{ source('fivetran_postgres', 'jobs') }} as j on true\n"
        "-- a SQL comment still holds a live {{ ref('c') }}\n"
    )
    assert [(c.args, c.line) for c in facts.refs] == [(("a",), 6), (("b",), 6), (("c",), 8)]
    assert [(c.args, c.line) for c in facts.sources] == [(("fivetran_postgres", "jobs"), 7)]
    assert (facts.materialized, facts.materialized_line) == ("incremental", 2)


def test_hard_coded_relations_are_found() -> None:
    sql = (
        "select * from analytics_raw.fivetran_postgres.jobs\n"
        "left join marts.dim_customers as c on true\n"
        "join {{ var('raw_database') }}.fivetran_postgres.customers on true\n"
        'join "RAW"."PUBLIC"."X" on true\n'
    )
    assert [(c.args[0], c.line) for c in hard_coded_relations(sql)] == [
        ("analytics_raw.fivetran_postgres.jobs", 1),
        ("marts.dim_customers", 2),
        ("{{ ... }}.fivetran_postgres.customers", 3),
        ('"RAW"."PUBLIC"."X"', 4),
    ]


def test_things_that_are_not_hard_coded_relations() -> None:
    sql = (
        "with source as (select * from {{ source('s', 't') }}),\n"
        "renamed as (\n"
        "    select extract(epoch from source.created_at) as epoch_seconds,\n"
        "        trim(both ' ' from source.name) as name,\n"
        "        'from a.b' as text_literal  -- from c.d in a comment\n"
        "        , source.x is distinct from other.x or source.y is not distinct\n  from other.y as changed\n"
        "    from source, lateral flatten(input => source.items) as item\n"
        ")\n"
        "/* from e.f */ select * from renamed\n"
        "where id > (select max(id) from {{ this }})\n"
        "{% if is_incremental() %} and x in (select y from {{ ref('z') }}) {% endif %}\n"
    )
    assert hard_coded_relations(sql) == []


def test_snapshot_blocks() -> None:
    facts = read_sql("{% snapshot snap_customers %}\nselect 1\n{% endsnapshot %}\n"
                     "{%- snapshot snap_technicians -%}select 2{% endsnapshot %}")
    assert [(c.args[0], c.line) for c in facts.snapshots] == [("snap_customers", 1), ("snap_technicians", 4)]


def test_aliased_expressions_follow_an_item_over_several_lines() -> None:
    from tools.check.sql import aliased_expressions

    sql = """
select
    customers.customer_id,
    case
        when customers.last_name is null then 'unknown'
        else customers.first_name
    end as greeting,
    lower(customers.email) as contact,
    cast(latitude as {{ dbt.type_float() }}) as lat_deg
from {{ ref('dim_customers') }} as customers
"""
    found = {call.args[0]: set(call.args[1:]) for call in aliased_expressions(sql)}
    assert found["greeting"] >= {"last_name", "first_name"}
    assert "customer_id" not in found["greeting"]
    assert found["contact"] == {"email"}
    assert "latitude" in found["lat_deg"]


def test_macro_definitions_read_names_arguments_and_lines() -> None:
    text = (
        "{# {% macro commented_out(a) %} #}\n"
        "{%- macro plain() -%}x{%- endmacro %}\n"
        "{% macro with_defaults(column='_dbt_loaded_at', keys={'id': 'job_id'}, sep=',', call=f(1, 2)) %}\n"
        "{% endmacro %}\n"
        "{% test expect_daily(\n    model, date_column, measure=none,\n    noise='poisson'\n) %}\n"
        "{% macro unclosed(a, b\n"
    )
    assert [(c.args, c.line) for c in macro_definitions(text)] == [
        (("plain",), 2),
        (("with_defaults", "column", "keys", "sep", "call"), 3),
        (("test_expect_daily", "model", "date_column", "measure", "noise"), 5),
    ]
