"""Opening the local DuckDB files, with DuckDB's failures as one sentence.

DuckDB reports a file another process holds, a file that is not a database and a truncated file
in three different ways, the last only when a query first reads past the end. Here each becomes
one ToolError naming the file and what to do, before any work starts. A write killed mid-way
(kill -9 of `tools sync`) leaves the file longer than the blocks its header records: the space is
DuckDB's to reuse, but until a later write it only wastes disk, so the tools give it back.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from tools.errors import ToolError

# DuckDB's file: three 4 KiB headers, then blocks of `block_size` bytes.
HEADER_BYTES = 3 * 4096
REGENERATE = "make it anew with `make build` (raw data alone: `tools generate-raw`)"


def lock_holder(message: str) -> str:
    """Who holds a DuckDB file, from the lock error DuckDB raises: 'process 1234'."""
    found = re.search(r"\(PID (\d+)\)", message)
    return f"process {found.group(1)}" if found else "another process"


def in_use_error(path: Path, exc: duckdb.Error, then: str) -> ToolError | None:
    """The error for a file another process holds, or None when `exc` is not DuckDB's lock error."""
    text = str(exc)
    if "lock" not in text.lower():
        return None
    return ToolError(f"{path} is in use by {lock_holder(text)}: {then}")


def damaged_error(path: Path, exc: duckdb.Error) -> ToolError:
    return ToolError(f"{path} is damaged ({str(exc).splitlines()[0]}): {REGENERATE}")


def _file_bytes(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """From the header of `con`'s database: the bytes its blocks in use need at least, and the
    bytes of all its blocks (free ones included; DuckDB may have cut free blocks off the end)."""
    ((total_blocks, used_blocks, block_size),) = con.execute(
        "select total_blocks, used_blocks, block_size from pragma_database_size() "
        "where database_name = current_database()"
    ).fetchall()
    return HEADER_BYTES + used_blocks * block_size, HEADER_BYTES + total_blocks * block_size


def open_duckdb(path: Path, read_only: bool = False,
                in_use: str = "wait for it to finish (or stop it), then try again") -> duckdb.DuckDBPyConnection:
    """A connection to the DuckDB file at `path`, or a ToolError: in use (by which process),
    not a database, or truncated (shorter than its header says)."""
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        error = in_use_error(path, exc, in_use) or damaged_error(path, exc)
        raise error from None
    except duckdb.Error as exc:
        raise ToolError(f"{path} is not a DuckDB database DuckDB can open ({str(exc).splitlines()[0]}): "
                        f"{REGENERATE}") from None
    try:
        expected, _ = _file_bytes(con)
    except duckdb.Error as exc:
        con.close()
        raise damaged_error(path, exc) from None
    actual = path.stat().st_size
    if actual < expected:
        con.close()
        raise ToolError(f"{path} is truncated: it has {actual:,} bytes, and the blocks its header records need "
                        f"{expected:,} (a copy cut short, or a full disk?): {REGENERATE}")
    return con


def reclaim_unused_tail(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Give back the space past the file's recorded blocks (left by a write that was killed);
    the bytes reclaimed. DuckDB truncates the file at the next checkpoint that writes, so one
    scratch table is written and dropped."""
    before = path.stat().st_size
    if before <= _file_bytes(con)[1]:
        return 0
    con.execute("create or replace table main.__reclaim as select 1 as one")
    con.execute("drop table main.__reclaim")
    con.execute("force checkpoint")
    return max(0, before - path.stat().st_size)
