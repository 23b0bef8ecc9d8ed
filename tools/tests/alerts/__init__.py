"""Alerts, the webhook service and the dbt Cloud jobs (tools/alerts/, ops/)."""
