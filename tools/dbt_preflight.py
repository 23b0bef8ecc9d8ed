"""`tools preflight` inside dbt: a dbt-duckdb plugin of the `local` target (profiles.yml).

dbt-duckdb creates its plugins before it opens the warehouse files, and reports a RuntimeError
from them as one "failed to connect" line. So a bare `dbt build` with no raw data, a damaged file
or a file another process holds says what `make dbt-build` says, instead of three tracebacks.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from tools.errors import ToolError
from tools.preflight import check_local_warehouse


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        # the folder of the files this profile opens, as DuckDB will find it (from dbt's cwd)
        folder = Path(os.path.abspath(self.creds.path)).parent if self.creds is not None else None
        try:
            check_local_warehouse(folder, give_back=False)  # dbt reads raw, never writes it
        except ToolError as exc:
            raise RuntimeError(str(exc)) from None
