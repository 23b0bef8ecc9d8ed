"""The raw database's connections, for the generator and the sync alike: bounded memory,
spilling beside the file, UTC, and the pseudo-random helper macros (sqlkit)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb

from tools.duckdb_file import open_duckdb
from tools.errors import ToolError
from tools.rawgen import sqlkit

MEMORY_LIMIT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(MB|MIB|GB|GIB|TB|TIB)\s*$", re.IGNORECASE)
MIN_MEMORY_MIB = 256  # below this the generator's fact tables do not fit even when spilling
_MIB = {"MB": 1000**2 / 2**20, "MIB": 1.0, "GB": 1000**3 / 2**20, "GIB": 1024.0, "TB": 1000**4 / 2**20,
        "TIB": 1024.0**2}


def memory_limit(value: str | None) -> str:
    """FIELDFORCE_DUCKDB_MEMORY checked before it reaches a `set` statement: a size such as 6GB."""
    if value is None:
        return "6GB"
    match = MEMORY_LIMIT.fullmatch(value)
    if not match or float(match.group(1)) * _MIB[match.group(2).upper()] < MIN_MEMORY_MIB:
        raise ToolError(f"FIELDFORCE_DUCKDB_MEMORY={value!r} is not a memory size of at least "
                        f"{MIN_MEMORY_MIB}MB, such as 6GB or 512MB")
    return f"{match.group(1)}{match.group(2).upper()}"


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection tuned like the dbt profile: bounded memory, spilling to the warehouse folder."""
    limit = memory_limit(os.environ.get("FIELDFORCE_DUCKDB_MEMORY"))
    con = open_duckdb(path)
    spill = path.parent / "tmp"  # beside the file, as profiles.yml has it; DuckDB creates it when it first spills
    con.execute(f"set memory_limit = {sqlkit.sql_string(limit)}")
    con.execute(f"set temp_directory = {sqlkit.sql_string(str(spill))}")
    con.execute("set preserve_insertion_order = false")
    configure_session(con)
    return con


def configure_session(con: duckdb.DuckDBPyConnection) -> None:
    """What each connection (cursor) needs for itself: UTC, and the helper macros."""
    con.execute("set TimeZone = 'UTC'")
    sqlkit.install(con)
