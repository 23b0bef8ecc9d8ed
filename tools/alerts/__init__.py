"""Alerts from dbt's artifacts by the SDD's alert matrix: `tools alert` and the webhook service."""
