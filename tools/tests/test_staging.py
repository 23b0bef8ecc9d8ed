"""After a real `dbt build`: staging holds exactly the live keys of raw, and marts reconcile with raw."""

from __future__ import annotations

import pytest

from .conftest import Warehouse

pytestmark = pytest.mark.e2e

# (staging model, raw table, raw key, model key, how raw marks a delete or None)
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


@pytest.mark.parametrize(("model", "raw_table", "raw_key", "model_key", "deleted"), STAGING,
                         ids=[row[0] for row in STAGING])
def test_staging_has_one_row_per_live_key(built: Warehouse, model: str, raw_table: str, raw_key: str,
                                          model_key: str, deleted: str | None) -> None:
    rows, keys = built.query(f"select count(*), count(distinct {model_key}) from main_staging.{model}")[0]
    (live,) = built.query(f"select count(*) from ({live_keys_sql(raw_table, raw_key, deleted)})")[0]
    (versions,) = built.query(f"select count(*) from analytics_raw.{raw_table}")[0]
    assert rows == keys == live
    assert live > 0
    assert versions >= live
    missing_or_extra = built.query(f"""
        select count(*) from (
            (select cast({model_key} as varchar) from main_staging.{model}
             except select cast(key as varchar) from ({live_keys_sql(raw_table, raw_key, deleted)}))
            union all
            (select cast(key as varchar) from ({live_keys_sql(raw_table, raw_key, deleted)})
             except select cast({model_key} as varchar) from main_staging.{model})
        )""")[0][0]
    assert missing_or_extra == 0


@pytest.mark.parametrize(("model", "raw_table", "raw_key", "model_key", "deleted"),
                         [row for row in STAGING if row[4]], ids=[row[0] for row in STAGING if row[4]])
def test_staging_holds_no_soft_deleted_key(built: Warehouse, model: str, raw_table: str, raw_key: str,
                                           model_key: str, deleted: str) -> None:
    (deleted_keys,) = built.query(
        f"select count(*) from (select {raw_key} from analytics_raw.{raw_table} group by {raw_key} "
        f"having arg_max({deleted}, _fivetran_synced))")[0]
    (leaked,) = built.query(f"""
        select count(*) from main_staging.{model}
        where cast({model_key} as varchar) in (
            select cast({raw_key} as varchar) from analytics_raw.{raw_table}
            group by {raw_key} having arg_max({deleted}, _fivetran_synced))""")[0]
    assert leaked == 0
    if model in {"stg_postgres__jobs", "stg_postgres__customers", "stg_quickbooks__invoice"}:
        assert deleted_keys > 0  # the test would catch a leak: there are deletes to leak


def test_staging_keeps_the_latest_version(built: Warehouse) -> None:
    stale = built.query("""
        select count(*)
        from main_staging.stg_postgres__jobs as s
        join (select id, arg_max(status, _fivetran_synced) as status from analytics_raw.fivetran_postgres.jobs
              group by id) as r on s.job_id = r.id
        where s.job_status <> r.status""")[0][0]
    assert stale == 0


def test_money_is_converted_exactly(built: Warehouse) -> None:
    wrong = built.query("select count(*) from main_staging.stg_postgres__jobs "
                        "where total_amount * 100 <> total_amount_cents")[0][0]
    assert wrong == 0


def test_fct_jobs_reconciles_with_raw(built: Warehouse) -> None:
    mart_rows, mart_total = built.query("select count(*), sum(total_amount) from main_core.fct_jobs")[0]
    raw_rows, raw_cents = built.query("""
        select count(*), sum(total_amount_cents)
        from (select arg_max(total_amount_cents, _fivetran_synced) as total_amount_cents,
                     arg_max(_fivetran_deleted, _fivetran_synced) as is_deleted
              from analytics_raw.fivetran_postgres.jobs group by id)
        where not is_deleted""")[0]
    assert mart_rows == raw_rows > 0
    assert mart_total * 100 == raw_cents


def test_models_land_in_layer_schemas_locally(built: Warehouse) -> None:
    schemas = {row[0] for row in built.query("select distinct table_schema from information_schema.tables "
                                             "where table_catalog = 'analytics'")}
    assert {"main_staging", "main_core", "main_seeds"} <= schemas
