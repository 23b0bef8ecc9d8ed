"""What a sync batch is, and how its rows are landed: shared by `tools sync` (sync.py), which
orders the batch, and the source modules, each of which lands its own changes (postgres.py,
quickbooks.py, ...)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import duckdb


@dataclass(frozen=True)
class Batch:
    """The batch's own knobs: its seed, its time, and the jitter its sync stamps may take."""

    seed: int
    as_of: datetime
    previous: datetime
    span_hours: float

    @property
    def as_of_sql(self) -> str:
        return f"timestamp '{self.as_of:%Y-%m-%d %H:%M:%S}'"

    @property
    def jitter_seconds(self) -> int:
        return int(max(0, min(600, (self.as_of - self.previous).total_seconds() / 2 - 2)))

    def per_day(self, daily: float) -> int:
        return max(1, round(daily * self.span_hours / 24))

    def sample(self, key: str, salt: str, share: float) -> str:
        """A SQL predicate picking about `share` of the rows, the same rows for the same batch seed."""
        return f"u({self.seed}, {key}, '{salt}') < {share}"

    def stamp(self, key: str, final: bool = False) -> str:
        """The sync time a row lands with: a little before the batch's time, per key.

        A key the batch both changes and deletes (a job that moved on, then was deleted) lands
        twice; the deletion (`final`) is stamped one second later, so the latest version is
        never a tie, as it never is in a real Fivetran destination.
        """
        offset = 0 if final else 1
        return f"{self.as_of_sql} - secs({offset} + ui({self.seed}, hash({key}), 'jit', 0, {self.jitter_seconds}))"


def latest_sql(table: str, key: str) -> str:
    return f"""
        select * from {table}
        qualify row_number() over (partition by {key} order by _fivetran_synced desc) = 1
    """


def landed_now(batch: Batch, select_sql: str, key: str) -> str:
    """The rows of `select_sql` as this sync lands them: the latest version per key, stamped now."""
    return f"""
        select * replace (cast({batch.stamp(key)} as timestamptz) as _fivetran_synced)
        from ({select_sql}) as rows
        qualify row_number() over (partition by {key} order by _fivetran_synced desc) = 1
    """


def soft_deleted(batch: Batch, table: str, key: str, where: str, flag: str = "_fivetran_deleted") -> str:
    """New versions of the live rows matching `where`, flagged deleted."""
    return f"""
        select * replace (true as {flag}, cast({batch.stamp(key, final=True)} as timestamptz) as _fivetran_synced)
        from ({latest_sql(table, key)}) as live
        where not coalesce({flag}, false) and ({where})
    """


class Lander:
    """Runs the batch's inserts in order, counting and reporting the rows each one lands."""

    def __init__(self, con: duckdb.DuckDBPyConnection, say: Callable[[str], None]) -> None:
        self.con = con
        self.say = say
        self.counts: dict[str, int] = {}

    def temp(self, name: str, select_sql: str) -> None:
        self.con.execute(f"create or replace temp table {name} as {select_sql}")

    def land(self, table: str, select_sql: str, what: str) -> None:
        started = time.perf_counter()
        before = self._count(table)
        self.con.execute(f"insert into {table} by name {select_sql}")
        landed = self._count(table) - before
        self.counts[table] = self.counts.get(table, 0) + landed
        self.say(f"  {table:<38} {what:<28} {landed:>10,} rows {time.perf_counter() - started:6.2f}s")

    def _count(self, table: str) -> int:
        return scalar(self.con, f"select count(*) from {table}")


@dataclass(frozen=True)
class Known:
    """What several sources' changes build on: what raw held when the batch began (its largest
    ids, whether jobs carry the drift column, added first if asked) and how many customers it creates."""

    max_customer: int
    max_job: int
    technicians: int
    new_customers: int  # customers the batch creates (customer_facts)
    has_new_column: bool  # the jobs table carries the schema-drift column


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    (value,) = con.execute(sql).fetchone()  # type: ignore[misc]
    return int(value or 0)


def not_yet_written(batch: Batch, table: str, key: str) -> str:
    """Keys this batch has not landed a version of yet: one version of a key per sync."""
    previous = f"timestamptz '{batch.previous:%Y-%m-%d %H:%M:%S}+00'"
    return f"({key}) not in (select {key} from {table} where _fivetran_synced > {previous})"


def some(batch: Batch, table: str, salt: str, share: float) -> str:
    """About `share` of the table's keys, and one key whatever the share: a small landing sees
    every kind of change in every batch too."""
    return (f"({batch.sample('id', salt, share)} "
            f"or id = (select arg_min(id, hash(id, {batch.seed}, '{salt}')) from {table}))")
