"""Values from a built DuckDB warehouse, for the rule that judges columns by what they hold.

`tools check --warehouse .warehouse/analytics.duckdb` samples the text columns of every table and
view; the rules stay pure and read the samples from the project. Read-only: the file is never
written, and a file dbt holds open for writing is refused with the reason.
"""

from __future__ import annotations

from pathlib import Path

from tools.check.config import CheckConfigError

SAMPLE_ROWS = 1000

# relation name (lower case) -> column (lower case) -> sampled non-null values; every column of
# the relation is listed, the values only of its text columns
Samples = dict[str, dict[str, list[str]]]
# relation name (lower case) -> why it could not be read
Unreadable = dict[str, str]


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def sample_text_columns(path: Path, rows: int = SAMPLE_ROWS) -> tuple[Samples, Unreadable]:
    import duckdb

    from tools.duckdb_file import open_duckdb
    from tools.errors import ToolError

    if not path.is_file():
        raise CheckConfigError(f"--warehouse {path}: no such file (build first: `make build`)")
    try:
        con = open_duckdb(path, read_only=True)
    except ToolError as exc:
        raise CheckConfigError(f"--warehouse {exc}") from None
    samples: Samples = {}
    unreadable: Unreadable = {}
    try:
        # the staging views read raw, which dbt attaches from the file beside (profiles.yml)
        raw = path.with_name("analytics_raw.duckdb")
        if raw.is_file():
            con.execute(f"attach '{raw.as_posix().replace(chr(39), chr(39) * 2)}' as analytics_raw (read_only)")
        catalog = con.execute("select current_database()").fetchone()[0]  # type: ignore[index]
        columns = con.execute(
            "select table_schema, table_name, column_name, data_type = 'VARCHAR' from information_schema.columns "
            "where table_catalog = ? order by 1, 2, ordinal_position", [catalog]).fetchall()
        by_relation: dict[tuple[str, str], list[tuple[str, bool]]] = {}
        for schema, table, column, is_text in columns:
            by_relation.setdefault((schema, table), []).append((column, bool(is_text)))
        for (schema, table), listed in by_relation.items():
            target = samples.setdefault(table.lower(), {})
            for name, _ in listed:
                target.setdefault(name.lower(), [])
            text = [name for name, is_text in listed if is_text]
            if not text:
                continue
            relation = f"{_quote(schema)}.{_quote(table)}"
            try:
                found = con.execute(
                    f"select {', '.join(map(_quote, text))} from {relation} limit {int(rows)}"
                ).fetchall()
            except duckdb.Error as exc:
                unreadable[table.lower()] = str(exc).splitlines()[0]
                continue
            for i, name in enumerate(text):
                target[name.lower()].extend(str(r[i]) for r in found if r[i] is not None)
    finally:
        con.close()
    return samples, unreadable
