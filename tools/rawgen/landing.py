"""A landed table: its name, and the SQL that produces its rows (all versions, as Fivetran keeps them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LandedTable:
    schema: str
    name: str
    select_sql: str
    # The same rows as `select_sql`, split so that the parts can be written concurrently (a query
    # whose rows come from range() runs on one thread); empty: one part, `select_sql` itself.
    parts: tuple[str, ...] = ()
    # Columns whose values barely repeat and follow no order (id strings, the timestamps of rows
    # made in random order): DuckDB's compression takes 3-4 times longer to write them than
    # storing them as they are, and saves little on them (timestamps a quarter), so it is skipped.
    uncompressed: tuple[str, ...] = ()
    # Columns whose rows come in long runs of one value (a van's pings arrive together):
    # run-length encoded, without DuckDB trying every other method on them first.
    run_length: tuple[str, ...] = ()

    @property
    def qualified(self) -> str:
        return f'{self.schema}."{self.name}"'

    @property
    def part_sqls(self) -> tuple[str, ...]:
        return self.parts or (self.select_sql,)
