"""After a real `dbt build`: staging holds exactly the live keys of raw, and marts reconcile with raw."""

from __future__ import annotations

import pytest

from tools.tests.conftest import Warehouse
from tools.tests.staging_helpers import STAGING, live_keys_sql

pytestmark = pytest.mark.e2e

# (staging model, raw table, raw key, model key, how raw marks a delete or None)


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
