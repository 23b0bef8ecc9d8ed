"""Lint-time stand-in for dbt's `run_started_at`, the datetime the invocation started.

SQLFluff's jinja templater exposes each module of this folder as a variable (see .sqlfluff), so
`{{ run_started_at.strftime(...) }}` renders a fixed timestamp for the parser.
"""

from __future__ import annotations

from datetime import datetime

_STARTED = datetime(2026, 1, 1, 6, 0, 0)


def strftime(fmt: str) -> str:
    return _STARTED.strftime(fmt)


def isoformat(sep: str = "T") -> str:
    return _STARTED.isoformat(sep)
