"""What the generator remembers between runs, kept beside the landed data.

A later `tools sync` must move the same customers and jobs forward, so it needs the seed and
scale they were made with and the time the last landing reached. Fivetran keeps its own
bookkeeping in a schema of the destination too; ours is `_fieldforce_generator`.

Each `tools generate-raw` draws a new `generation_id`, which syncs keep: the dbt project
compares it with the generation its incremental tables were built from, and rebuilds them
whole when raw was generated anew under them (macros/raw_generation/).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
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
    generation_id: str = field(default_factory=lambda: uuid.uuid4().hex)


def write(con: duckdb.DuckDBPyConnection, state: LandingState) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute(
        f"create or replace table {SCHEMA}.state "
        "(seed bigint, scale double, gps_days integer, landed_until timestamp, batches integer, "
        "generation_id varchar)"
    )
    con.execute(
        f"insert into {SCHEMA}.state values (?, ?, ?, ?, ?, ?)",
        [state.seed, state.scale, state.gps_days, state.landed_until, state.batches, state.generation_id],
    )


def read(con: duckdb.DuckDBPyConnection) -> LandingState | None:
    try:
        row = con.execute(
            f"select seed, scale, gps_days, landed_until, batches, generation_id from {SCHEMA}.state").fetchone()
    except duckdb.BinderException:  # raw generated before generations were recorded
        row = con.execute(f"select seed, scale, gps_days, landed_until, batches, null from {SCHEMA}.state").fetchone()
    except duckdb.CatalogException:
        return None
    if row is None:
        return None
    seed, scale, gps_days, landed_until, batches, generation_id = row
    return LandingState(seed, scale, gps_days, landed_until, batches, generation_id or uuid.uuid4().hex)
