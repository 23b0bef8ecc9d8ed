"""What the staging tests and the medallion tests share: the staging models and their raw tables."""

from __future__ import annotations

STAGING = [
    ("stg_postgres__customers", "fivetran_postgres.customers", "id", "customer_id", "_fivetran_deleted"),
    ("stg_postgres__technicians", "fivetran_postgres.technicians", "id", "technician_id", "_fivetran_deleted"),
    ("stg_postgres__service_types", "fivetran_postgres.service_types", "id", "service_type_id", "_fivetran_deleted"),
    ("stg_postgres__jobs", "fivetran_postgres.jobs", "id", "job_id", "_fivetran_deleted"),
    ("stg_postgres__job_line_items", "fivetran_postgres.job_line_items", "id", "job_line_item_id", "_fivetran_deleted"),
    ("stg_salesforce__account", "fivetran_salesforce.account", "id", "account_id", "is_deleted"),
    ("stg_salesforce__contact", "fivetran_salesforce.contact", "id", "contact_id", "is_deleted"),
    ("stg_salesforce__opportunity", "fivetran_salesforce.opportunity", "id", "opportunity_id", "is_deleted"),
    ("stg_salesforce__case", 'fivetran_salesforce."case"', "id", "case_id", "is_deleted"),
    ("stg_quickbooks__customer", "fivetran_quickbooks.customer", "id", "quickbooks_customer_id", "_fivetran_deleted"),
    ("stg_quickbooks__invoice", "fivetran_quickbooks.invoice", "id", "invoice_id", "_fivetran_deleted"),
    ("stg_quickbooks__invoice_line", "fivetran_quickbooks.invoice_line", "invoice_id || '/' || \"index\"",
     "invoice_id || '/' || line_index", "_fivetran_deleted"),
    ("stg_quickbooks__payment", "fivetran_quickbooks.payment", "id", "payment_id", "_fivetran_deleted"),
    ("stg_servicetitan__technician", "fivetran_servicetitan.technician", "id", "servicetitan_technician_id",
     "_fivetran_deleted"),
    ("stg_servicetitan__job", "fivetran_servicetitan.job", "id", "servicetitan_job_id", "_fivetran_deleted"),
    ("stg_servicetitan__appointment", "fivetran_servicetitan.appointment", "id", "appointment_id", "_fivetran_deleted"),
    ("stg_servicetitan__invoice", "fivetran_servicetitan.invoice", "id", "servicetitan_invoice_id",
     "_fivetran_deleted"),
    ("stg_telematics__gps_events", "fivetran_telematics.gps_events", "event_id", "gps_event_id", None),
    ("stg_sheets__revenue_targets", "fivetran_sheets.revenue_targets", "_row", "revenue_target_id", None),
]


def live_keys_sql(raw_table: str, raw_key: str, deleted: str | None) -> str:
    """Keys whose latest version (by _fivetran_synced) is not deleted, computed without dbt."""
    alive = f"not arg_max({deleted}, _fivetran_synced)" if deleted else "true"
    return f"""
        select {raw_key} as key
        from analytics_raw.{raw_table}
        group by {raw_key}
        having {alive}
    """
