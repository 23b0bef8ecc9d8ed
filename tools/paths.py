"""Where the project and its local warehouse live."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def warehouse_dir() -> Path:
    """The git-ignored folder holding the local DuckDB files (same variable as profiles.yml)."""
    configured = os.environ.get("FIELDFORCE_WAREHOUSE_DIR", ".warehouse")
    path = Path(configured)
    return path if path.is_absolute() else PROJECT_ROOT / path


def raw_database_path() -> Path:
    return warehouse_dir() / "analytics_raw.duckdb"


def analytics_database_path() -> Path:
    return warehouse_dir() / "analytics.duckdb"
