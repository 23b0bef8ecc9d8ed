"""Names the way Fivetran writes them, and which identifiers need quoting."""

from __future__ import annotations

import pytest

from tools.errors import ToolError
from tools.scaffold.naming import (
    RESERVED_WORDS,
    check_destination_name,
    fivetran_name,
    needs_quoting,
    singular,
    sql_column,
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # the examples of Fivetran's documentation
        ("Pricebook2Id", "pricebook_2_id"),
        ("Product2", "product_2"),
        ("pi__campaign__c", "pi_campaign_c"),
        ("Foo__c", "foo_c"),
        ("AllowIPNPayment", "allow_ipnpayment"),
        ("LastCURequestDate", "last_curequest_date"),
        # more of the same rules
        ("Id", "id"),
        ("AccountId", "account_id"),
        ("SystemModstamp", "system_modstamp"),
        ("IsDeleted", "is_deleted"),
        ("already_snake", "already_snake"),
        ("jobNumber", "job_number"),
        ("completedOn", "completed_on"),
        ("Internal_Score__c", "internal_score_c"),
        ("Order Total", "order_total"),
        ("unit-price", "unit_price"),
        ("ABC", "abc"),
        ("address2Line", "address_2_line"),
        ("Café", "cafe"),
        # a leading underscore stays: Fivetran's system columns, Google Sheets' _row
        ("_fivetran_synced", "_fivetran_synced"),
        ("_row", "_row"),
        # starts with a digit: valid only quoted
        ("2FactorEnabled", "2_factor_enabled"),
    ],
)
def test_fivetran_name(source: str, expected: str) -> None:
    assert fivetran_name(source) == expected


@pytest.mark.parametrize("bad", ["", "   ", "__", "%%%", "名前", "Größe"])
def test_names_that_cannot_be_identifiers(bad: str) -> None:
    with pytest.raises(ToolError, match="cannot be made a valid identifier"):
        fivetran_name(bad)


def test_destination_names_are_case_folded_and_checked() -> None:
    assert check_destination_name("ACCOUNT_ID", "column") == "account_id"
    with pytest.raises(ToolError, match="column 'first name' cannot be made a valid identifier"):
        check_destination_name("first name", "column")


@pytest.mark.parametrize("word", ["index", "end", "order", "case", "select", "qualify", "account", "values"])
def test_reserved_words_are_quoted(word: str) -> None:
    assert word in RESERVED_WORDS
    assert needs_quoting(word)
    assert sql_column(word) == "{{ quote_identifier('" + word + "') }}"


@pytest.mark.parametrize("name", ["id", "status", "type", "name", "_fivetran_synced", "pricebook_2_id"])
def test_ordinary_names_stay_bare(name: str) -> None:
    assert not needs_quoting(name)
    assert sql_column(name) == name


def test_odd_names_are_quoted() -> None:
    assert needs_quoting("2_factor_enabled")


def test_reserved_words_cover_both_targets() -> None:
    duckdb = pytest.importorskip("duckdb")
    reserved = {row[0] for row in duckdb.sql(
        "select keyword_name from duckdb_keywords() where keyword_category = 'reserved'").fetchall()}
    assert reserved <= RESERVED_WORDS


@pytest.mark.parametrize(("plural", "one"), [("accounts", "account"), ("categories", "category"),
                                             ("status", "status"), ("boxes", "box"), ("case", "case")])
def test_singular(plural: str, one: str) -> None:
    assert singular(plural) == one
