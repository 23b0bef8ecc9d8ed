"""The freshness reference the clock tests share: the project's active hours of the GPS stream,
and the seconds of a span inside them (docs/freshness.md)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import yaml

from tools.tests.conftest import PROJECT_ROOT


def project_active_hours() -> tuple[int, int]:
    hours = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"]["gps_active_hours_utc"]
    return hours["start"], hours["end"]


def active_seconds(since: datetime, until: datetime, start: int, end: int) -> int:
    """The reference: seconds of [since, until) inside the daily windows [start, end) UTC."""
    length = timedelta(hours=(end - start) % 24)
    total = timedelta()
    day = datetime.combine(since.date() - timedelta(days=1), datetime.min.time(), timezone.utc)
    while day <= until:
        opens = day + timedelta(hours=start)
        overlap = min(until, opens + length) - max(since, opens)
        total += max(overlap, timedelta())
        day += timedelta(days=1)
    return int(total.total_seconds())
