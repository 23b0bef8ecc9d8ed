"""End to end: the dbt project built on DuckDB (slower; marked e2e where they build a warehouse)."""
