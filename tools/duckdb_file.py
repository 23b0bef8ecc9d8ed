"""Opening the local DuckDB files, with DuckDB's failures as one sentence.

DuckDB reports a file another process holds, a file that is not a database and a truncated file
in three different ways, the last only when a query first reads past the end. Here each becomes
one ToolError naming the file and what to do, before any work starts. A write killed mid-way
(kill -9 of `tools sync`) leaves the file several times the size of its data: DuckDB would reuse
the space but never returns it, so the next sync or preflight compacts the file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb

from tools.errors import ToolError

# DuckDB's file: three 4 KiB headers, then blocks of `block_size` bytes.
HEADER_BYTES = 3 * 4096
IN_USE = "wait for it to finish (or stop it), then run the command again"
# Free space below this (or below half the data) is left to DuckDB to reuse, as after any sync.
WASTE_TOLERATED = 32_000_000
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


def open_duckdb(path: Path, read_only: bool = False, in_use: str = IN_USE) -> duckdb.DuckDBPyConnection:
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


def give_back_unused_space(path: Path, in_use: str = IN_USE) -> int:
    """Compact the DuckDB file at `path` when most of it is space no block uses (what a write
    killed mid-way leaves); the bytes given back. DuckDB reuses free space but never returns it,
    so the tables are copied into a fresh file that then replaces the old one, atomically, while
    the old one is still held (no other process can open it in between)."""
    con = open_duckdb(path, in_use=in_use)
    compacting = path.with_name(f".{path.name}.compacting")
    try:
        needed, _ = _file_bytes(con)
        before = path.stat().st_size
        if before - needed <= max(WASTE_TOLERATED, needed // 2):
            return 0
        compacting.unlink(missing_ok=True)
        ((database,),) = con.execute("select current_database()").fetchall()
        con.execute(f"attach '{_sql_path(compacting)}' as compacted")
        con.execute(f'copy from database "{database}" to compacted')
        con.execute("detach compacted")
        os.replace(compacting, path)
        return max(0, before - path.stat().st_size)
    finally:
        con.close()
        compacting.unlink(missing_ok=True)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
