"""Before `dbt build` on the local target: is the warehouse there, writable and free?

dbt-duckdb opens the warehouse files when the run starts, and a missing raw file, a read-only
folder or a file another process holds open come out as three tracebacks. `tools preflight`
(run by `make dbt-build`) says the same in one sentence: which file, which process, what to do.
"""

from __future__ import annotations

from pathlib import Path

from tools import paths
from tools.duckdb_file import no_raw_data_error, open_duckdb, tail_bytes, trim_unused_tail
from tools.errors import ToolError
from tools.fsio import check_writable_dir


def check_local_warehouse(folder: Path | None = None, give_back: bool = True) -> str:
    """The one-line answer when the local warehouse is ready; ToolError naming the problem if not.

    With `give_back`, space an interrupted `tools sync` left in the raw file is given back on the
    way (which opens raw for writing); without, raw is only read.
    """
    folder = folder or paths.warehouse_dir()
    raw = folder / "analytics_raw.duckdb"
    analytics = folder / "analytics.duckdb"
    if not raw.is_file():
        raise no_raw_data_error(raw)
    check_writable_dir(folder)
    in_use = "wait for it to finish (or stop it), then run the build again"
    con = open_duckdb(raw, read_only=True, in_use=in_use)  # readers (dbt, a BI tool) may share it
    try:
        tail = tail_bytes(con, raw)
    finally:
        con.close()
    reclaimed = 0
    if tail and give_back:
        try:
            con = open_duckdb(raw, in_use=in_use)
        except ToolError:
            pass  # another reader holds it: the tail waits for the next sync, nothing is wrong
        else:
            try:
                reclaimed = trim_unused_tail(con, raw)
            finally:
                con.close()
    if analytics.exists():
        open_duckdb(analytics, in_use=in_use).close()
    ready = f"warehouse ready: {folder}"
    return ready + (f" (gave back {reclaimed / 1e6:,.0f} MB an interrupted write left in {raw.name})"
                    if reclaimed else "")
