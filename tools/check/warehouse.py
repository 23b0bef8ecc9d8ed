"""Values from a built DuckDB warehouse, for the rule that judges columns by what they hold.

`tools check --warehouse .warehouse/analytics.duckdb` samples the text columns of every table and
view; the rules stay pure and read the samples from the project. Read-only: the file is never
written, and a file dbt holds open for writing is refused with the reason.
"""

from __future__ import annotations

from pathlib import Path

from tools.check.config import CheckConfigError

SAMPLE_ROWS = 1000

# relation name (lower case) -> column (lower case) -> sampled non-null values
Samples = dict[str, dict[str, list[str]]]


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def sample_text_columns(path: Path, rows: int = SAMPLE_ROWS) -> Samples:
    import duckdb

    if not path.is_file():
        raise CheckConfigError(f"--warehouse {path}: no such file (build first: `make build`)")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0]
        raise CheckConfigError(f"--warehouse {path}: cannot open it read-only as a DuckDB database: {reason}") from None
    samples: Samples = {}
    try:
        # the staging views read raw, which dbt attaches from the file beside (profiles.yml)
        raw = path.with_name("analytics_raw.duckdb")
        if raw.is_file():
            con.execute(f"attach '{raw.as_posix().replace(chr(39), chr(39) * 2)}' as analytics_raw (read_only)")
        catalog = con.execute("select current_database()").fetchone()[0]  # type: ignore[index]
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_catalog = ? and data_type = 'VARCHAR' order by 1, 2, ordinal_position", [catalog]).fetchall()
        by_relation: dict[tuple[str, str], list[str]] = {}
        for schema, table, column in columns:
            by_relation.setdefault((schema, table), []).append(column)
        for (schema, table), names in by_relation.items():
            relation = f"{_quote(schema)}.{_quote(table)}"
            try:
                found = con.execute(f"select {', '.join(map(_quote, names))} from {relation} limit {int(rows)}").fetchall()
            except duckdb.Error:
                # a view over another database (raw, attached by dbt only) cannot be read here
                continue
            target = samples.setdefault(table.lower(), {})
            for i, name in enumerate(names):
                target.setdefault(name.lower(), []).extend(str(r[i]) for r in found if r[i] is not None)
    finally:
        con.close()
    return samples
