"""Reading Fivetran's schema config: shape checks, enabled/disabled, hashed, keys, column listings."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tools.errors import ToolError
from tools.scaffold import fivetran as ft
from tools.tests.scaffold_helpers import CONTACT_COLUMNS, SCHEMA_JSON


@pytest.fixture()
def doc() -> dict:
    return json.loads(SCHEMA_JSON.read_text())


def _schema(doc: dict, listings: dict | None = None) -> ft.Schema:
    return ft.select_schema(ft.parse_schema_config(doc, listings), None)


def test_reads_tables_columns_and_settings(doc: dict) -> None:
    schema = _schema(doc)
    assert schema.name_in_destination == "fivetran_salesforce"
    names = [table.name for table in schema.tables]
    assert names == ["account", "contact", "case", "opportunity", "opportunity_line_item",
                     "quote_line_item", "login_event", "task"]
    assert schema.disabled_tables == ("Lead",)
    account = schema.tables[0]
    assert account.sync_mode == "SOFT_DELETE"
    assert account.column("id").primary_key
    # no name_in_destination: converted the Fivetran way
    assert account.column("region_c").source_name == "Region__c"
    # disabled column skipped, but remembered so a landed copy is skipped too
    assert account.column("internal_score_c") is None
    assert account.disabled_columns == ("internal_score_c",)
    line_item = schema.tables[4]
    assert line_item.column("pricebook_2_id").source_name == "Pricebook2Id"
    quote_line = schema.tables[5]
    assert [c.name for c in quote_line.columns if c.primary_key] == ["quote_id", "index"]
    assert schema.tables[3].sync_mode == "HISTORY"
    assert schema.tables[7].sync_mode == "LIVE"
    assert schema.tables[2].sync_mode is None


def test_column_listing_completes_the_config(doc: dict) -> None:
    listing = json.loads(CONTACT_COLUMNS.read_text())
    contact = _schema(doc, {"Contact": listing}).tables[1]
    assert contact.column_names[:4] == ("id", "account_id", "first_name", "last_name")
    assert contact.column("email").hashed
    assert contact.column("id").primary_key
    # without the listing only the columns a user changed are known
    assert _schema(doc).tables[1].column_names == ("email",)


def test_listing_may_be_keyed_by_destination_or_schema_qualified_name(doc: dict) -> None:
    listing = json.loads(CONTACT_COLUMNS.read_text())
    for key in ("contact", "salesforce.Contact"):
        assert "first_name" in _schema(doc, {key: listing}).tables[1].column_names


def test_listing_for_unknown_table(doc: dict) -> None:
    listing = json.loads(CONTACT_COLUMNS.read_text())
    with pytest.raises(ToolError, match="column listing given for unknown table 'Nope'"):
        ft.parse_schema_config(doc, {"Nope": listing})


def test_bare_data_object_is_accepted(doc: dict) -> None:
    assert _schema(doc["data"]).tables[0].name == "account"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("data"), "no schemas object"),
        (lambda d: d.update(code="NotFound", message="Connection not found"), "error response from Fivetran: NotFound"),
        (lambda d: d["data"].update(schemas=[]), "data.schemas should be an object"),
        (lambda d: d["data"]["schemas"]["salesforce"].update(tables="x"), "data.schemas.salesforce.tables should be an object"),
        (lambda d: d["data"]["schemas"]["salesforce"]["tables"]["Account"]["columns"]["Id"].update(enabled="yes"),
         r"Account.columns.Id.enabled should be true or false"),
        (lambda d: d["data"]["schemas"]["salesforce"]["tables"]["Task"].update(sync_mode="FOREVER"),
         "sync_mode is 'FOREVER'"),
        (lambda d: d["data"]["schemas"]["salesforce"]["tables"]["Account"]["columns"].update(
            ACCOUNT_ID={"enabled": True}, AccountID={"enabled": True}),
         "both map to 'account_id'"),
        (lambda d: d["data"]["schemas"]["salesforce"]["tables"]["Account"]["columns"].update(
            **{"%%": {"enabled": True}}), "cannot be made a valid identifier"),
        (lambda d: d["data"]["schemas"]["salesforce"]["tables"]["Account"]["columns"]["Name"].update(
            name_in_destination="first name"), "cannot be made a valid identifier"),
    ],
)
def test_bad_shapes(doc: dict, mutate, message: str) -> None:
    bad = copy.deepcopy(doc)
    mutate(bad)
    with pytest.raises(ToolError, match=message):
        _schema(bad)


def test_not_an_object() -> None:
    with pytest.raises(ToolError, match="should be a JSON object"):
        ft.parse_schema_config([1, 2])


def test_malformed_json(tmp_path: Path) -> None:
    path = tmp_path / "schema.json"
    path.write_text('{"data": {"schemas": ')
    with pytest.raises(ToolError, match="is not valid JSON"):
        ft.load_json(path)
    with pytest.raises(ToolError, match="does not exist"):
        ft.load_json(tmp_path / "missing.json")


def test_schema_selection(doc: dict) -> None:
    doc["data"]["schemas"]["other"] = {"name_in_destination": "fivetran_other", "enabled": True, "tables": {}}
    schemas = ft.parse_schema_config(doc)
    with pytest.raises(ToolError, match="several enabled schemas"):
        ft.select_schema(schemas, None)
    assert ft.select_schema(schemas, "fivetran_other").source_name == "other"
    assert ft.select_schema(schemas, "salesforce").source_name == "salesforce"
    with pytest.raises(ToolError, match="unknown schema 'nope'"):
        ft.select_schema(schemas, "nope")
    doc["data"]["schemas"]["other"]["enabled"] = False
    assert ft.select_schema(ft.parse_schema_config(doc), None).source_name == "salesforce"
