"""Warehouse types → families and dbt's cross-database type macros."""

from __future__ import annotations

import pytest

from tools.scaffold.types import type_info


@pytest.mark.parametrize(
    ("landed", "family", "macro"),
    [
        # DuckDB spellings
        ("VARCHAR", "string", "dbt.type_string()"),
        ("INTEGER", "integer", "dbt.type_int()"),
        ("SMALLINT", "integer", "dbt.type_int()"),
        ("BIGINT", "bigint", "dbt.type_bigint()"),
        ("HUGEINT", "bigint", "dbt.type_bigint()"),
        ("DECIMAL(18,2)", "numeric", "dbt.type_numeric()"),
        ("DOUBLE", "float", "dbt.type_float()"),
        ("BOOLEAN", "boolean", "dbt.type_boolean()"),
        ("TIMESTAMP", "timestamp", "dbt.type_timestamp()"),
        ("TIMESTAMP WITH TIME ZONE", "timestamp_tz", "dbt.type_timestamp()"),
        ("TIMESTAMP_NS", "timestamp", "dbt.type_timestamp()"),
        ("DATE", "date", None),
        ("JSON", "semi_structured", None),
        ("VARCHAR[]", "semi_structured", None),
        ("STRUCT(a INTEGER)", "semi_structured", None),
        ("BLOB", "binary", None),
        # Snowflake spellings
        ("VARCHAR(16777216)", "string", "dbt.type_string()"),
        ("TEXT", "string", "dbt.type_string()"),
        ("NUMBER(38,0)", "bigint", "dbt.type_bigint()"),
        ("NUMBER(18,2)", "numeric", "dbt.type_numeric()"),
        ("FLOAT", "float", "dbt.type_float()"),
        ("TIMESTAMP_TZ", "timestamp_tz", "dbt.type_timestamp()"),
        ("TIMESTAMP_NTZ(9)", "timestamp", "dbt.type_timestamp()"),
        ("TIMESTAMP_LTZ", "timestamp_tz", "dbt.type_timestamp()"),
        ("VARIANT", "semi_structured", None),
        ("OBJECT", "semi_structured", None),
        ("GEOGRAPHY", "unknown", None),
    ],
)
def test_families(landed: str, family: str, macro: str | None) -> None:
    info = type_info(landed)
    assert info.known
    assert info.family == family
    assert info.macro == macro
    assert info.data_type == landed.lower()


def test_only_timestamps_are_cast_in_staging() -> None:
    assert type_info("TIMESTAMP WITH TIME ZONE").cast_in_staging
    assert type_info("TIMESTAMP_NTZ").cast_in_staging
    assert not type_info("DECIMAL(18,2)").cast_in_staging
    assert not type_info("VARCHAR").cast_in_staging


def test_unknown_type_falls_back_to_string() -> None:
    info = type_info(None)
    assert not info.known
    assert info.family == "string"
    assert info.data_type == "varchar"
    assert not info.cast_in_staging
