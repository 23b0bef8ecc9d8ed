"""Lint-time `var()`: the values from dbt_project.yml `vars:` (dbt's own defaults when linting).

SQLFluff's built-in `var()` returns a placeholder string, which breaks arithmetic such as
`-1 * var('staging_lookback_hours')`; .sqlfluff replaces `var` with a macro calling this.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project.yml"


def _load() -> dict[str, Any]:
    try:
        data = yaml.safe_load(_PROJECT.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    values = data.get("vars") or {}
    return dict(values) if isinstance(values, dict) else {}


VARS = _load()


def get(name: str, default: Any = None) -> Any:
    if name in VARS:
        return VARS[name]
    return name if default is None else default
