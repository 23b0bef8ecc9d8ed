"""Lint-time stand-in for dbt's `target`: the production Snowflake target (.sqlfluff's dialect)."""

name = "prod"
type = "snowflake"
database = "analytics_prod"
schema = "public"
threads = 16
