"""Planning: models resolved from the schema config and landed tables, the SQL and YAML they get."""

from __future__ import annotations

import json

import pytest

from tools.errors import ToolError
from tools.scaffold import fivetran as ft
from tools.scaffold import render as rn
from tools.scaffold import resolve as rs
from tools.scaffold import settings as st
from tools.scaffold.warehouse import LandedColumn, LandedSchema
from tools.tests.scaffold_helpers import CONTACT_COLUMNS, SCHEMA_JSON

SETTINGS = st.Settings("salesforce", "fivetran_salesforce", *st.default_freshness("salesforce"))


def config() -> ft.Schema:
    doc = json.loads(SCHEMA_JSON.read_text())
    listing = json.loads(CONTACT_COLUMNS.read_text())
    return ft.select_schema(ft.parse_schema_config(doc, {"Contact": listing}), None)


def models(landed: LandedSchema | None = None, **kwargs) -> dict[str, rs.Model]:
    return {model.name: model for model in rs.resolve(config(), landed, **kwargs).models}


def test_keys_modes_and_system_columns_from_the_config_alone() -> None:
    resolved = models()
    assert resolved["account"].key == ("id",)
    assert resolved["quote_line_item"].key == ("quote_id", "index")
    # no is_primary_key flag and no id column: keyed by Fivetran's row hash
    assert resolved["login_event"].key == ("_fivetran_id",)
    assert "_fivetran_id" in resolved["login_event"].table.column_names
    assert resolved["opportunity"].sync_mode == "HISTORY"
    assert {"_fivetran_active", "_fivetran_start", "_fivetran_end"} <= set(resolved["opportunity"].table.column_names)
    assert resolved["task"].sync_mode == "LIVE"
    assert "_fivetran_deleted" not in resolved["task"].table.column_names
    assert resolved["case"].sync_mode == "SOFT_DELETE"
    assert not resolved["account"].landed


def test_fallback_to_string_is_reported() -> None:
    resolution = rs.resolve(config(), None)
    assert resolution.notes == [
        "no landed tables reachable: column types fall back to string",
        "no primary key known, keyed by _fivetran_id (give --key or --table-columns if it has one): login_event",
    ]
    assert resolution.skipped == ["Lead (disabled in Fivetran)"]


def test_landed_types_win_and_disabled_landed_columns_are_skipped() -> None:
    landed = LandedSchema("fivetran_salesforce", {"account": (
        LandedColumn("id", "VARCHAR"), LandedColumn("internal_score_c", "DOUBLE"),
        LandedColumn("created_date", "TIMESTAMP WITH TIME ZONE"), LandedColumn("is_deleted", "BOOLEAN"),
        LandedColumn("_fivetran_deleted", "BOOLEAN"), LandedColumn("_fivetran_synced", "TIMESTAMP WITH TIME ZONE"),
    )})
    resolution = rs.resolve(config(), landed, only=["account", "Contact"])
    account = resolution.models[0]
    assert account.landed
    assert account.table.column("internal_score_c") is None
    assert account.table.column("created_date").data_type == "TIMESTAMP WITH TIME ZONE"
    # enabled in the config but not landed: kept, type unknown, and said so
    assert account.table.column("name").data_type is None
    assert any("account.name" in note for note in resolution.notes)
    assert any("not landed yet" in note and "contact" in note for note in resolution.notes)


def test_landed_tables_missing_from_the_config_are_named() -> None:
    landed = LandedSchema("fivetran_salesforce", {
        "lead": (LandedColumn("id", "VARCHAR"), LandedColumn("_fivetran_synced", "TIMESTAMP")),
        "campaign": (LandedColumn("id", "VARCHAR"), LandedColumn("_fivetran_synced", "TIMESTAMP")),
    })
    notes = rs.resolve(config(), landed).notes
    # lead is disabled in Fivetran (an old copy may still be landed); campaign is new
    assert "landed but not in the schema config, not scaffolded: campaign" in notes


def test_house_style_sql() -> None:
    landed = LandedSchema("fivetran_salesforce", {"account": (
        LandedColumn("id", "VARCHAR"), LandedColumn("name", "VARCHAR"), LandedColumn("owner_id", "VARCHAR"),
        LandedColumn("annual_revenue", "DECIMAL(18,2)"), LandedColumn("created_date", "TIMESTAMP WITH TIME ZONE"),
        LandedColumn("is_deleted", "BOOLEAN"), LandedColumn("_fivetran_deleted", "BOOLEAN"),
        LandedColumn("_fivetran_synced", "TIMESTAMP WITH TIME ZONE"),
    )})
    sql = rn.staging_sql(SETTINGS, rs.resolve(None, landed).models[0])
    assert sql == """with

source as (

    select * from {{ source('fivetran_salesforce', 'account') }}

),

latest as (

    {{ deduplicate('source', partition_by='id', order_by='_fivetran_synced desc') }}

),

renamed as (

    select
        -- ids
        id,
        owner_id,

        -- attributes
        name,

        -- measures
        annual_revenue,

        -- timestamps
        cast(created_date as {{ dbt.type_timestamp() }}) as created_date,

        -- metadata
        _fivetran_synced

    from latest
    where not coalesce(_fivetran_deleted, false)
        and not coalesce(is_deleted, false)

)

select * from renamed
"""


def test_reserved_words_composite_keys_history_live_and_keyless() -> None:
    resolved = models()
    quote = rn.staging_sql(SETTINGS, resolved["quote_line_item"])
    assert "partition_by='quote_id, ' ~ quote_identifier('index')" in quote
    assert "        {{ quote_identifier('end') }}," in quote
    history = rn.staging_sql(SETTINGS, resolved["opportunity"])
    assert "order_by='_fivetran_start desc'" in history
    assert "    where _fivetran_active\n" in history
    assert "_fivetran_active," not in history and "_fivetran_end" not in history
    assert "        _fivetran_synced,\n        _fivetran_start\n" in history
    live = rn.staging_sql(SETTINGS, resolved["task"])
    assert "where" not in live
    keyless = rn.staging_sql(SETTINGS, resolved["login_event"])
    assert "partition_by='_fivetran_id'" in keyless
    assert keyless.index("_fivetran_synced,") < keyless.index("_fivetran_id\n")
    # _fivetran_deleted is filtered, never selected
    for sql in (quote, keyless):
        assert "        _fivetran_deleted" not in sql


def test_quoted_table_names_and_key_tests_in_yaml() -> None:
    resolved = list(models().values())
    sources = rn.sources_doc(SETTINGS, resolved)["sources"][0]
    assert sources["name"] == "fivetran_salesforce"
    assert sources["loader"] == "fivetran"
    assert sources["config"]["loaded_at_field"] == "_fivetran_synced"
    assert dict(sources["config"]["freshness"]["warn_after"]) == {"count": 2, "period": "hour"}
    tables = {t["name"]: t for t in sources["tables"]}
    assert tables["case"]["identifier"] == "CASE" and tables["case"]["quoting"] == {"identifier": True}
    assert tables["account"]["columns"][0]["data_tests"] == [{"unique": {"config": {"severity": "warn"}}}, "not_null"]
    combination = tables["quote_line_item"]["data_tests"][0]["unique_combination_of_columns"]
    assert list(combination["arguments"]["combination_of_columns"]) == ["quote_id", '"INDEX"']
    history = tables["opportunity"]["data_tests"][0]["unique_combination_of_columns"]
    assert list(history["arguments"]["combination_of_columns"]) == ["id", "_fivetran_start"]
    email = next(c for c in tables["contact"]["columns"] if c["name"] == "email")
    assert "Hashed by Fivetran" in email["description"]

    model_entries = {m["name"]: m for m in rn.models_doc(SETTINGS, resolved)["models"]}
    account = model_entries["stg_salesforce__account"]
    assert account["columns"][0] == {"name": "id", "description": "Primary key of the account.",
                                     "data_tests": ["unique", "not_null"]}
    assert "is_deleted" not in [c["name"] for c in account["columns"]]
    assert account["columns"][-1]["name"] == "_fivetran_synced"
    quote = model_entries["stg_salesforce__quote_line_item"]
    assert quote["data_tests"][1] == {"not_null": {"arguments": {"column_name": '"INDEX"'}}}
    assert next(c for c in quote["columns"] if c["name"] == "quote_id")["data_tests"] == ["not_null"]
    keyless = model_entries["stg_salesforce__login_event"]
    assert next(c for c in keyless["columns"] if c["name"] == "_fivetran_id")["data_tests"] == ["unique", "not_null"]


def test_key_override_and_unknown_tables() -> None:
    assert models(keys={"login_event": ("user_id", "login_time")})["login_event"].key == ("user_id", "login_time")
    with pytest.raises(ToolError, match="has no column 'nope'"):
        models(keys={"account": ("nope",)})
    with pytest.raises(ToolError, match="--key names unknown table 'nope'"):
        models(keys={"nope": ("id",)})
    with pytest.raises(ToolError, match="unknown table 'Leads'"):
        models(only=["Leads"])


def test_from_warehouse_alone() -> None:
    landed = LandedSchema("fivetran_pg", {
        "jobs": (LandedColumn("id", "BIGINT"), LandedColumn("_fivetran_deleted", "BOOLEAN"),
                 LandedColumn("_fivetran_synced", "TIMESTAMP WITH TIME ZONE")),
        "events": (LandedColumn("payload", "JSON"), LandedColumn("_fivetran_id", "VARCHAR"),
                   LandedColumn("_fivetran_synced", "TIMESTAMP WITH TIME ZONE")),
        "lines": (LandedColumn("job_id", "BIGINT"), LandedColumn("line", "INTEGER"),
                  LandedColumn("_fivetran_synced", "TIMESTAMP WITH TIME ZONE")),
        "audit": (LandedColumn("message", "VARCHAR"),),
    }, primary_keys={"lines": ("job_id", "line")})
    resolution = rs.resolve(None, landed)
    resolved = {m.name: m for m in resolution.models}
    assert resolved["jobs"].key == ("id",) and resolved["jobs"].sync_mode == "SOFT_DELETE"
    assert resolved["events"].key == ("_fivetran_id",) and resolved["events"].sync_mode == "LIVE"
    assert resolved["lines"].key == ("job_id", "line")
    assert resolution.skipped == ["audit (no _fivetran_synced column: not a Fivetran table)"]


def test_freshness_defaults_follow_the_sdd() -> None:
    assert st.default_freshness("postgres") == (st.Period(30, "minute"), st.Period(60, "minute"))
    assert st.default_freshness("quickbooks") == (st.Period(12, "hour"), st.Period(24, "hour"))
    assert st.default_freshness("sheets") == (st.Period(48, "hour"), st.Period(72, "hour"))
    assert st.default_freshness("hubspot") == (st.Period(30, "minute"), st.Period(60, "minute"))
    assert st.parse_period("12 hours") == st.Period(12, "hour")
    with pytest.raises(ValueError):
        st.parse_period("soon")


def test_columns_that_look_personal_are_classified_in_the_staging_yaml() -> None:
    """So that a new connector's staging views are masked on Snowflake from their first run, and
    `tools check` (GOV003) passes on what the scaffolder wrote."""
    model_entries = {m["name"]: m for m in rn.models_doc(SETTINGS, list(models().values()))["models"]}
    classes = {(m, c["name"]): c["config"]["meta"]["pii"] for m, entry in model_entries.items()
               for c in entry["columns"] if "config" in c}
    contact = {name: pii for (m, name), pii in classes.items() if m == "stg_salesforce__contact"}
    assert contact["email"] == "email"  # hashed by Fivetran, still a person's
    assert {c["name"] for c in model_entries["stg_salesforce__contact"]["columns"]} >= set(contact)
    assert set(classes.values()) <= {"email", "phone", "name", "address", "postal_code", "location"}
    # the key and columns that only look alike stay unclassified
    assert not [c for c in model_entries["stg_salesforce__account"]["columns"]
                if c["name"] in ("id", "name", "is_deleted") and "config" in c]


@pytest.mark.parametrize(("name", "pii"), [
    ("email", "email"), ("billing_email", "email"), ("mobile_phone", "phone"), ("first_name", "name"),
    ("display_name", "name"), ("mailing_street", "address"), ("billing_city", "address"),
    ("address_line_2", "address"), ("zip", "postal_code"), ("mailing_postal_code", "postal_code"),
    ("latitude", "location"), ("lng", "location"),
    ("region_name", None), ("company_name", None), ("state", None), ("speed_mph", None), ("capacity", None),
])
def test_the_class_a_column_name_suggests(name: str, pii: str | None) -> None:
    from tools.pii import pii_class_of

    assert pii_class_of(name) == pii
