"""Opening the local DuckDB files, with DuckDB's failures as one sentence.

DuckDB reports a file another process holds, a file that is not a database and a truncated file
in three different ways, the last only when a query first reads past the end. Here each becomes
one ToolError naming the file and what to do, before any work starts. A write killed mid-way
(kill -9 of `tools sync`) leaves the file several times the size of its data, in blocks past the
ones its header records; the next sync or preflight cuts them off, in place. (Free blocks inside
the file are DuckDB's to reuse, as after any write.)
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from tools.errors import ToolError

# DuckDB's file: three 4 KiB headers, then blocks of `block_size` bytes.
HEADER_BYTES = 3 * 4096
LOCK_ERROR = re.compile(r"Could not set lock on file .*Conflicting lock is held", re.DOTALL)
IN_USE = "wait for it to finish (or stop it), then run the command again"
REGENERATE = "make it anew with `make build` (raw data alone: `tools generate-raw`)"


def lock_holder(message: str) -> str:
    """Who holds a DuckDB file, from the lock error DuckDB raises: 'process 1234'."""
    found = re.search(r"\(PID (\d+)\)", message)
    return f"process {found.group(1)}" if found else "another process"


def in_use_error(path: Path, exc: duckdb.Error, then: str) -> ToolError | None:
    """The error for a file another process holds, or None when `exc` is not DuckDB's lock error
    (matched on DuckDB's words, not on "lock", which a path may hold: /home/clockwork)."""
    text = str(exc)
    if not LOCK_ERROR.search(text):
        return None
    return ToolError(f"{path} is in use by {lock_holder(text)}: {then}")


def no_raw_data_error(raw: Path) -> ToolError:
    return ToolError(f"no raw data at {raw}: run `tools generate-raw` first (or `make build`, which does)")


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


def open_duckdb(path: Path, read_only: bool = False, in_use: str = IN_USE) -> duckdb.DuckDBPyConnection:
    """A connection to the DuckDB file at `path`, or a ToolError: in use (by which process),
    not a database, or truncated (shorter than its header says)."""
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise (in_use_error(path, exc, in_use) or damaged_error(path, exc)) from None
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


def tail_bytes(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Bytes at the end of the file past every block its header records: what a write killed
    mid-way leaves (the header only learns of blocks at a checkpoint)."""
    return max(0, path.stat().st_size - _file_bytes(con)[1])


def trim_unused_tail(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Give back the tail a killed write left, in place; the bytes given back. `con` must be
    writable. DuckDB cuts the file to its blocks at the next checkpoint that writes, so one
    scratch table is written and dropped: no copy, nothing else changes."""
    before = path.stat().st_size
    if tail_bytes(con, path) == 0:
        return 0
    con.execute("create or replace table main.__fieldforce_trim as select 1 as one")
    con.execute("drop table main.__fieldforce_trim")
    con.execute("force checkpoint")
    return max(0, before - path.stat().st_size)
