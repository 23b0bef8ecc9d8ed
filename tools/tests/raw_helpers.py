"""Helpers for tests that look at the raw database."""

from __future__ import annotations

from pathlib import Path

import duckdb


def checksums(path: Path) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent checksum of every landed table."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables where table_schema like 'fivetran_%'"
        ).fetchall()
        return {
            f"{schema}.{name}": con.execute(f'select count(*), sum(hash(t)) from {schema}."{name}" as t').fetchone()
            for schema, name in tables
        }
    finally:
        con.close()
