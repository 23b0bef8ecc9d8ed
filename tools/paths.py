"""Where the project and its local warehouse live.

The project is found as dbt finds it: the nearest folder holding dbt_project.yml from the
working directory upward, or the folder `--project-dir` names. Never from where this package is
installed: the `tools` of one checkout, run in a copy or a git worktree, must write into that
copy, not back into the checkout it was installed from.
"""

from __future__ import annotations

import os
from pathlib import Path

from tools.errors import ToolError

PROJECT_FILE = "dbt_project.yml"


class ProjectNotFound(ToolError):
    """Where to run is a usage question: exit 2, as for a bad argument."""

    exit_code = 2


def find_project_root(start: Path | None = None) -> Path:
    """The nearest folder from `start` (default: the working directory) upward with dbt_project.yml."""
    current = (start or Path.cwd()).resolve()
    for candidate in (current, *current.parents):
        if (candidate / PROJECT_FILE).is_file():
            return candidate
    raise ProjectNotFound(f"no {PROJECT_FILE} in {current} or any folder above it: "
                          "run tools inside the dbt project, or pass --project-dir")


def project_root(project_dir: Path | None = None) -> Path:
    """The folder `--project-dir` names, checked to be a dbt project; without one, the nearest."""
    if project_dir is None:
        return find_project_root()
    root = project_dir.resolve()
    if not (root / PROJECT_FILE).is_file():
        raise ProjectNotFound(f"{project_dir} is not a dbt project (no {PROJECT_FILE} in it): "
                              "give --project-dir the project's folder")
    return root


def warehouse_dir(project_dir: Path | None = None) -> Path:
    """The git-ignored folder holding the local DuckDB files (same variable as profiles.yml); a
    relative setting is relative to the project, where dbt runs."""
    configured = os.environ.get("FIELDFORCE_WAREHOUSE_DIR", ".warehouse")
    path = Path(configured)
    return path if path.is_absolute() else project_root(project_dir) / path


def raw_database_path(project_dir: Path | None = None) -> Path:
    return warehouse_dir(project_dir) / "analytics_raw.duckdb"
