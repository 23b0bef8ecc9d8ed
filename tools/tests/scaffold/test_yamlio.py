"""YAML round trip: only missing items are added; every existing byte stays as it was."""

from __future__ import annotations

import json

import pytest
import yaml

from tools.errors import ToolError
from tools.scaffold.yamlio import Flow, FlowList, Unmatched, merge, render_document, scalar, unmatched
from tools.tests.scaffold_helpers import only_insertions


def source(tables: list[dict]) -> dict:
    return {"version": 2, "sources": [{"name": "fivetran_x", "schema": "fivetran_x", "tables": tables}]}


def table(name: str, *columns: str, **extra) -> dict:
    return {"name": name, **extra, "columns": [{"name": c, "description": f"{c}."} for c in columns]}


HAND_EDITED = """\
version: 2

# Salesforce via Fivetran -- reviewed by Ana
sources:
    -   name: fivetran_x   # the connector
        schema: fivetran_x
        loader: fivetran
        freshness: {warn_after: {count: 2, period: hour}}
        tables:

            -   name: account
                description: 'Accounts: customers and "prospects".'
                columns:
                    -   name: id
                        description: ""
                        data_tests: [unique, not_null]

                    -   name: name
                        description: >
                            Folded text
                            over lines.
                    # trailing comment of the columns list

            -   description: Contacts.
                name: contact
                columns:
                    -   name: id
# a comment at column 0 between things
models_note: keep me
"""


def test_new_file_renders_and_parses_back() -> None:
    desired = source([table("account", "id", "name"), table("case", "id", identifier="CASE",
                                                            quoting={"identifier": True})])
    desired["sources"][0]["config"] = {"freshness": {"warn_after": Flow(count=30, period="minute")}}
    desired["sources"][0]["tables"][0]["data_tests"] = [
        {"unique_combination_of_columns": {"arguments": {"combination_of_columns": FlowList(["a", '"INDEX"'])}}}
    ]
    text, added = merge(None, desired)
    assert yaml.safe_load(text) == json.loads(json.dumps(desired))
    assert "warn_after: {count: 30, period: minute}" in text
    assert "combination_of_columns: [a, '\"INDEX\"']" in text
    assert added == ["sources fivetran_x"]
    # tables are separated by a blank line, columns are not
    assert "\n\n      - name: case" in text


def test_merge_of_what_is_there_changes_nothing() -> None:
    desired = source([table("account", "id", "name"), table("contact", "id")])
    assert merge(HAND_EDITED, desired) == (HAND_EDITED, [])
    text, _ = merge(None, desired)
    assert merge(text, desired) == (text, [])


def test_new_columns_and_tables_are_appended_in_the_files_own_layout() -> None:
    desired = source([
        table("account", "id", "name", "rating"),
        table("contact", "id", "email"),
        table("opportunity", "id"),
    ])
    new, added = merge(HAND_EDITED, desired)
    inserted = only_insertions(HAND_EDITED, new)
    assert added == ["fivetran_x.account.column rating", "fivetran_x.contact.column email",
                     "fivetran_x.table opportunity"]
    # the new column follows the list's existing dash column and the blank-line habit
    assert "\n                    -   name: rating\n" not in new  # our own layout inside, theirs outside
    assert "                    - name: rating\n" in inserted
    assert "                    - name: email\n" in inserted
    assert "            - name: opportunity\n" in inserted
    parsed = yaml.safe_load(new)
    tables = {t["name"]: t for t in parsed["sources"][0]["tables"]}
    assert [c["name"] for c in tables["account"]["columns"]] == ["id", "name", "rating"]
    assert [c["name"] for c in tables["contact"]["columns"]] == ["id", "email"]
    assert tables["opportunity"]["columns"] == [{"name": "id", "description": "id."}]
    assert parsed["models_note"] == "keep me"
    # the column goes after the folded scalar and the comment inside the list, not into them
    assert tables["account"]["columns"][1]["description"] == "Folded text over lines.\n"
    # running again adds nothing
    assert merge(new, desired) == (new, [])


def test_separated_lists_get_a_blank_line_before_new_items() -> None:
    new, _ = merge(HAND_EDITED, source([table("account", "id"), table("contact", "id"), table("lead", "id")]))
    inserted = only_insertions(HAND_EDITED, new)
    assert inserted[0] == "\n"


def test_missing_columns_key_and_empty_columns() -> None:
    text = "version: 2\nsources:\n  - name: fivetran_x\n    tables:\n      - name: a\n      - name: b\n        columns:\n"
    new, _ = merge(text, source([table("a", "id"), table("b", "id")]))
    only_insertions(text, new)
    parsed = yaml.safe_load(new)["sources"][0]["tables"]
    assert parsed[0]["columns"][0]["name"] == "id"
    assert parsed[1]["columns"][0]["name"] == "id"


def test_missing_source_and_missing_sources_key() -> None:
    other = "version: 2\n\nsources:\n  - name: fivetran_other\n    tables:\n      - name: t\n"
    new, added = merge(other, source([table("a", "id")]))
    only_insertions(other, new)
    assert [s["name"] for s in yaml.safe_load(new)["sources"]] == ["fivetran_other", "fivetran_x"]
    assert added == ["source fivetran_x"]
    bare = "version: 2\n"
    new, _ = merge(bare, source([table("a", "id")]))
    only_insertions(bare, new)
    assert yaml.safe_load(new)["sources"][0]["name"] == "fivetran_x"


def test_names_match_without_case_and_by_identifier() -> None:
    text = "sources:\n  - name: FIVETRAN_X\n    tables:\n      - name: my_case\n        identifier: CASE\n        columns:\n          - name: ID\n"
    desired = source([{"name": "case", "identifier": "CASE", "columns": [{"name": "id"}]}])
    assert merge(text, desired) == (text, [])


def test_no_trailing_newline_and_crlf() -> None:
    text = "version: 2\r\nsources:\r\n  - name: fivetran_x\r\n    tables:\r\n      - name: a"
    new, _ = merge(text, source([table("a", "id"), table("b", "id")]))
    assert new.startswith(text)
    assert "\n" not in new.replace("\r\n", "")
    assert [t["name"] for t in yaml.safe_load(new)["sources"][0]["tables"]] == ["a", "b"]


def test_flow_lists_and_bad_yaml_are_refused() -> None:
    with pytest.raises(ToolError, match="flow-style list"):
        merge("sources:\n  - name: fivetran_x\n    tables: [{name: a}]\n", source([table("b", "id")]))
    with pytest.raises(ToolError, match="not valid YAML"):
        merge("sources:\n  - name: [unclosed\n", source([table("b", "id")]))
    with pytest.raises(ToolError, match="top level is not a mapping"):
        merge("- a\n- b\n", source([table("b", "id")]))


def test_models_files() -> None:
    text = "version: 2\n\nmodels:\n  - name: stg_x__a\n    description: Hand written.\n    columns:\n      - name: a_id\n"
    desired = {"version": 2, "models": [
        {"name": "stg_x__a", "columns": [{"name": "a_id"}, {"name": "b"}]},
        {"name": "stg_x__c", "description": "New.", "columns": [{"name": "id", "data_tests": ["unique", "not_null"]}]},
    ]}
    new, added = merge(text, desired)
    only_insertions(text, new)
    assert added == ["stg_x__a.column b", "model stg_x__c"]
    parsed = yaml.safe_load(new)["models"]
    assert parsed[1]["columns"][0]["data_tests"] == ["unique", "not_null"]


@pytest.mark.parametrize("value", ["yes", "no", "on", "null", "1.5", "10", "", " lead", "a: b", "a #b",
                                   "{{ var('raw_database') }}", '"INDEX"', "it's", "- x", "*star", "@at"])
def test_scalars_round_trip(value: str) -> None:
    assert yaml.safe_load(f"key: {scalar(value)}") == {"key": value}


def test_render_document_blank_line_between_top_level_keys() -> None:
    assert render_document({"version": 2, "models": []}).startswith("version: 2\n\nmodels:")


def test_unmatched_lists_what_the_file_has_beyond_desired() -> None:
    text = """\
sources:
  - name: FIVETRAN_X
    tables:
      - name: my_case
        identifier: CASE
        columns:
          - name: ID
          - name: fax
      - name: lead
        columns:
          - name: id
      - name: kept_docs
"""
    desired = source([{"name": "case", "identifier": "CASE", "columns": [{"name": "id"}]},
                      {"name": "kept_docs"}])
    # matched without case and by identifier; columns compared only where desired lists them
    # labelled with the file's own names, to be found there
    found = unmatched(text, desired)
    assert [str(item) for item in found] == ["FIVETRAN_X.my_case.column fax", "FIVETRAN_X.table lead"]
    assert found[0] == Unmatched(("FIVETRAN_X", "my_case"), "column", "fax")
    assert unmatched(text, source([table("case", "id", "fax", identifier="CASE"), table("lead", "id"),
                                   table("kept_docs")])) == []
    assert unmatched(None, desired) == []
    with pytest.raises(ToolError, match="not valid YAML"):
        unmatched("sources: [", desired)
