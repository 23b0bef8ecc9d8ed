"""What the generator remembers between runs, kept beside the landed data.

A later `tools sync` must move the same customers and jobs forward, so it needs the seed and
scale they were made with and the time the last landing reached. Fivetran keeps its own
bookkeeping in a schema of the destination too; ours is `_fieldforce_generator`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

SCHEMA = "_fieldforce_generator"


@dataclass(frozen=True)
class LandingState:
    seed: int
    scale: float
    gps_days: int
    landed_until: datetime  # naive UTC: the as-of of the last generate or sync
    batches: int


def write(con: duckdb.DuckDBPyConnection, state: LandingState) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute(
        f"create or replace table {SCHEMA}.state "
        "(seed bigint, scale double, gps_days integer, landed_until timestamp, batches integer)"
    )
    con.execute(
        f"insert into {SCHEMA}.state values (?, ?, ?, ?, ?)",
        [state.seed, state.scale, state.gps_days, state.landed_until, state.batches],
    )


def read(con: duckdb.DuckDBPyConnection) -> LandingState | None:
    try:
        row = con.execute(f"select seed, scale, gps_days, landed_until, batches from {SCHEMA}.state").fetchone()
    except duckdb.CatalogException:
        return None
    return None if row is None else LandingState(*row)
