"""What a scaffold run is asked for: the source, its raw schema and freshness, and the names it
accepts (a source name becomes file names, a schema name goes into YAML and SQL)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.errors import ToolError
from tools.scaffold.naming import MAX_IDENTIFIER_LENGTH
from tools.scaffold.yamlio import Flow

SOURCE_NAME = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
# A Fivetran destination schema: lower case letters, digits and underscores, not starting with a
# digit; the name is written into the sources YAML and compiled into SQL, so nothing else passes.
SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


# Freshness per source, from the sync cadence in the SDD ("Data Sources"): warn after two missed
# syncs, error after four (Google Sheets, daily: after two and three days), as the hand-written
# sources of this project do. Any other connector gets the SDD's thresholds for the 15-minute
# Postgres connector; --warn-after / --error-after override both.
DEFAULT_FRESHNESS = ((30, "minute"), (60, "minute"))
FRESHNESS = {
    "postgres": ((30, "minute"), (60, "minute")),  # every 15 minutes
    "servicetitan": ((60, "minute"), (120, "minute")),  # every 30 minutes
    "salesforce": ((2, "hour"), (4, "hour")),  # hourly
    "telematics": ((2, "hour"), (4, "hour")),  # hourly
    "gps": ((2, "hour"), (4, "hour")),
    "quickbooks": ((12, "hour"), (24, "hour")),  # every 6 hours
    "sheets": ((48, "hour"), (72, "hour")),  # daily
    "google_sheets": ((48, "hour"), (72, "hour")),
}


@dataclass(frozen=True)
class Period:
    count: int
    period: str  # minute | hour | day

    def flow(self) -> Flow:
        return Flow(count=self.count, period=self.period)


_PERIOD = re.compile(r"^\s*(\d+)\s*(minute|hour|day)s?\s*$", re.IGNORECASE)


def parse_period(text: str) -> Period:
    """`"12 hour"`, `"30 minutes"`, `"1 day"` → Period; ValueError otherwise."""
    match = _PERIOD.match(text)
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a period such as '30 minute', '12 hour' or '1 day'")
    return Period(int(match.group(1)), match.group(2).lower())


def default_freshness(source: str) -> tuple[Period, Period]:
    warn, error = FRESHNESS.get(source, DEFAULT_FRESHNESS)
    return Period(*warn), Period(*error)


@dataclass(frozen=True)
class Settings:
    source: str  # the argument: models/staging/<source>/, stg_<source>__<table>
    schema: str  # the raw schema
    warn_after: Period
    error_after: Period

    @property
    def source_name(self) -> str:
        return f"fivetran_{self.source}"


MAX_SOURCE_NAME_LENGTH = 64  # stg_<source>__<table>.sql must stay a file name
MAX_FILE_NAME_BYTES = 255  # ext4, APFS, NTFS


def check_source_name(source: str) -> str:
    if len(source) > MAX_SOURCE_NAME_LENGTH:
        raise ToolError(f"source name {source[:40]!r}... is {len(source)} characters; at most "
                        f"{MAX_SOURCE_NAME_LENGTH}, so that its model files can be named")
    if not SOURCE_NAME.fullmatch(source):
        raise ToolError(
            f"source name {source!r} must be lower snake case (letters, digits, single underscores), "
            "such as hubspot or google_sheets"
        )
    return source


def check_schema_name(schema: str) -> str:
    """The raw schema as written into the sources YAML: a plain identifier (compared lower case)."""
    lowered = schema.lower()
    if not SCHEMA_NAME.fullmatch(lowered) or len(lowered) > MAX_IDENTIFIER_LENGTH:
        shown = schema if len(schema) <= 60 else schema[:57] + "..."
        raise ToolError(
            f"schema {shown!r} is not a Fivetran schema name: letters, digits and underscores, "
            f"not starting with a digit, at most {MAX_IDENTIFIER_LENGTH} characters"
        )
    return lowered


def minutes(period: Period) -> int:
    return period.count * {"minute": 1, "hour": 60, "day": 24 * 60}[period.period]
