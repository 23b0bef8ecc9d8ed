"""Warehouse column types (DuckDB and Snowflake spellings) → type families and dbt's type macros.

A staging model casts only where the two targets land the same Fivetran type differently and it
matters downstream: timestamps (Fivetran's INSTANT lands as TIMESTAMP_TZ on Snowflake and
TIMESTAMPTZ on DuckDB) are cast to `dbt.type_timestamp()`, naive UTC, as the house style does.
Everything else passes through unchanged; the macro of every family is still known here so other
tools can cast with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STRING = "string"
INTEGER = "integer"
BIGINT = "bigint"
NUMERIC = "numeric"
FLOAT = "float"
BOOLEAN = "boolean"
TIMESTAMP = "timestamp"
TIMESTAMP_TZ = "timestamp_tz"
DATE = "date"
TIME = "time"
SEMI_STRUCTURED = "semi_structured"
BINARY = "binary"
UNKNOWN = "unknown"

# The type written into source YAML when no landed table tells us the real one.
FALLBACK_DATA_TYPE = "varchar"

MACROS: dict[str, str | None] = {
    STRING: "dbt.type_string()",
    INTEGER: "dbt.type_int()",
    BIGINT: "dbt.type_bigint()",
    NUMERIC: "dbt.type_numeric()",
    FLOAT: "dbt.type_float()",
    BOOLEAN: "dbt.type_boolean()",
    TIMESTAMP: "dbt.type_timestamp()",
    TIMESTAMP_TZ: "dbt.type_timestamp()",
    DATE: None,
    TIME: None,
    SEMI_STRUCTURED: None,
    BINARY: None,
    UNKNOWN: None,
}

_EXACT: dict[str, str] = {
    # strings
    "varchar": STRING, "text": STRING, "string": STRING, "char": STRING, "character": STRING,
    "character varying": STRING, "bpchar": STRING, "uuid": STRING, "nvarchar": STRING,
    "nchar": STRING, "enum": STRING,
    # integers
    "tinyint": INTEGER, "smallint": INTEGER, "integer": INTEGER, "int": INTEGER, "int2": INTEGER,
    "int4": INTEGER, "utinyint": INTEGER, "usmallint": INTEGER, "short": INTEGER,
    "bigint": BIGINT, "int8": BIGINT, "hugeint": BIGINT, "uinteger": BIGINT, "ubigint": BIGINT,
    "uhugeint": BIGINT, "long": BIGINT, "byteint": INTEGER,
    # exact and approximate decimals
    "decimal": NUMERIC, "numeric": NUMERIC, "number": NUMERIC, "bigdecimal": NUMERIC,
    "double": FLOAT, "float": FLOAT, "float4": FLOAT, "float8": FLOAT, "real": FLOAT,
    "double precision": FLOAT,
    # booleans
    "boolean": BOOLEAN, "bool": BOOLEAN,
    # date and time
    "timestamp": TIMESTAMP, "timestamp_ntz": TIMESTAMP, "datetime": TIMESTAMP,
    "timestamp without time zone": TIMESTAMP, "timestamp_ns": TIMESTAMP, "timestamp_ms": TIMESTAMP,
    "timestamp_s": TIMESTAMP, "timestamp_us": TIMESTAMP, "localdatetime": TIMESTAMP,
    "naive_datetime": TIMESTAMP,
    "timestamptz": TIMESTAMP_TZ, "timestamp with time zone": TIMESTAMP_TZ, "timestamp_tz": TIMESTAMP_TZ,
    "timestamp_ltz": TIMESTAMP_TZ, "instant": TIMESTAMP_TZ, "utc_datetime": TIMESTAMP_TZ,
    "date": DATE, "localdate": DATE,
    "time": TIME, "time with time zone": TIME, "timetz": TIME,
    # semi-structured and binary
    "json": SEMI_STRUCTURED, "variant": SEMI_STRUCTURED, "object": SEMI_STRUCTURED,
    "array": SEMI_STRUCTURED, "struct": SEMI_STRUCTURED, "map": SEMI_STRUCTURED,
    "list": SEMI_STRUCTURED, "union": SEMI_STRUCTURED,
    "blob": BINARY, "binary": BINARY, "varbinary": BINARY, "bytea": BINARY, "bit": BINARY,
}

_PARAMS = re.compile(r"^\s*([a-z_ ]+?)\s*\(([^)]*)\)\s*$")


@dataclass(frozen=True)
class TypeInfo:
    data_type: str  # as written in source YAML: the warehouse's spelling, lower case
    family: str
    known: bool  # False when the type came from nowhere and fell back to string

    @property
    def macro(self) -> str | None:
        return MACROS[self.family]

    @property
    def cast_in_staging(self) -> bool:
        return self.family in (TIMESTAMP, TIMESTAMP_TZ)


def family_of(data_type: str) -> str:
    """The family of a DuckDB or Snowflake type name (`DECIMAL(18,2)`, `NUMBER(38,0)`, `VARCHAR(255)`)."""
    text = " ".join(data_type.strip().lower().split())
    if text.endswith("[]"):
        return SEMI_STRUCTURED
    for prefix in ("struct(", "map(", "union("):
        if text.startswith(prefix):
            return SEMI_STRUCTURED
    match = _PARAMS.match(text)
    if match:
        base, params = match.group(1).strip(), [p.strip() for p in match.group(2).split(",")]
        family = _EXACT.get(base, UNKNOWN)
        if family == NUMERIC and len(params) == 2 and params[1] == "0":
            # Snowflake lands every integer as NUMBER(38,0).
            return BIGINT
        return family
    return _EXACT.get(text, UNKNOWN)


def type_info(data_type: str | None) -> TypeInfo:
    """TypeInfo for a landed column; None (type not known) falls back to string."""
    if data_type is None:
        return TypeInfo(FALLBACK_DATA_TYPE, STRING, known=False)
    spelled = " ".join(data_type.strip().lower().split())
    return TypeInfo(spelled, family_of(spelled), known=True)
