"""Before `dbt build` on the local target: is the warehouse there, writable and free?

dbt-duckdb opens the warehouse files when the run starts, and a missing raw file, a read-only
folder or a file another process holds open come out as three tracebacks. `tools preflight`
(run by `make dbt-build`) says the same in one sentence: which file, which process, what to do.
"""

from __future__ import annotations

import re
from pathlib import Path

from tools import paths
from tools.errors import ToolError
from tools.fsio import check_writable_dir


def lock_holder(message: str) -> str:
    """Who holds a DuckDB file, from the lock error DuckDB raises: 'process 1234'."""
    found = re.search(r"\(PID (\d+)\)", message)
    return f"process {found.group(1)}" if found else "another process"


def check_local_warehouse(folder: Path | None = None) -> str:
    """The one-line answer when the local warehouse is ready; ToolError naming the problem if not."""
    import duckdb

    folder = folder or paths.warehouse_dir()
    raw = folder / "analytics_raw.duckdb"
    analytics = folder / "analytics.duckdb"
    if not raw.is_file():
        raise ToolError(f"no raw data at {raw}: run `tools generate-raw` first (or `make build`, which does)")
    check_writable_dir(folder)
    for path, read_only in ((raw, True), (analytics, False)):
        if not path.exists():
            continue
        try:
            duckdb.connect(str(path), read_only=read_only).close()
        except duckdb.IOException as exc:
            text = str(exc)
            if "lock" in text.lower():
                raise ToolError(f"{path} is in use by {lock_holder(text)}: wait for it to finish (or stop it), "
                                "then run the build again") from None
            raise ToolError(f"{path} cannot be opened: {text.splitlines()[0]}") from None
        except duckdb.Error as exc:
            raise ToolError(f"{path} is not a DuckDB database DuckDB can open ({str(exc).splitlines()[0]}): "
                            "run `tools generate-raw` for fresh raw data, or remove the file") from None
    return f"warehouse ready: {folder}"
