"""A landed table: its name, and the SQL that produces its rows (all versions, as Fivetran keeps them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LandedTable:
    schema: str
    name: str
    select_sql: str

    @property
    def qualified(self) -> str:
        return f'{self.schema}."{self.name}"'
