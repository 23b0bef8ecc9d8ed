"""Before `dbt build` on the local target: is the warehouse there, writable and free?

dbt-duckdb opens the warehouse files when the run starts, and a missing raw file, a read-only
folder or a file another process holds open come out as three tracebacks. `tools preflight`
(run by `make dbt-build`) says the same in one sentence: which file, which process, what to do.
"""

from __future__ import annotations

from pathlib import Path

from tools import paths
from tools.duckdb_file import give_back_unused_space, open_duckdb
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
        raise ToolError(f"no raw data at {raw}: run `tools generate-raw` first (or `make build`, which does)")
    check_writable_dir(folder)
    in_use = "wait for it to finish (or stop it), then run the build again"
    if give_back:
        reclaimed = give_back_unused_space(raw, in_use=in_use)
    else:
        reclaimed = 0
        open_duckdb(raw, read_only=True, in_use=in_use).close()
    if analytics.exists():
        open_duckdb(analytics, in_use=in_use).close()
    ready = f"warehouse ready: {folder}"
    return ready + (f" (gave back {reclaimed / 1e6:,.0f} MB an interrupted write left in {raw.name})"
                    if reclaimed else "")
