"""End to end: scaffold a connector into a throwaway dbt project, `dbt build` it on DuckDB, change the
connector, scaffold again, build again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tools.cli import main
from tools.tests.conftest import PROJECT_ROOT
from tools.tests.scaffold_helpers import (
    CONTACT_COLUMNS,
    EXPECTED_ROWS,
    SALESFORCE_TABLES,
    SCHEMA_JSON,
    T1,
    T2,
    count_rows,
    dbt,
    execute,
    land,
    make_project,
    only_insertions,
)

pytestmark = pytest.mark.e2e

SF = "models/staging/salesforce"


def _scaffold(project: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["scaffold-source", *args, "--project-dir", str(project)])
    assert result.exit_code == 0, result.output
    return result.output


def _build(project: Path, warehouse: Path) -> None:
    result = dbt(project, warehouse, "build")
    assert result.returncode == 0, result.stdout[-4000:]
    assert "ERROR=0" in result.stdout


def _lint(project: Path) -> None:
    """The project's own sqlfluff config and `tools check` rules accept what was written."""
    if (PROJECT_ROOT / ".sqlfluff").exists():
        sqlfluff = pytest.importorskip("sqlfluff")
        shutil.copy(PROJECT_ROOT / ".sqlfluff", project / ".sqlfluff")
        if (PROJECT_ROOT / "lint").exists():
            shutil.copytree(PROJECT_ROOT / "lint", project / "lint", dirs_exist_ok=True)
        for path in sorted((project / "models" / "staging").rglob("*.sql")):
            violations = sqlfluff.lint(path.read_text(), config_path=str(project / ".sqlfluff"))
            assert violations == [], (path.name, violations)
    check = CliRunner().invoke(main, ["check", "--project-dir", str(project)])
    assert check.exit_code == 0, check.output


def test_salesforce_from_json_with_landed_types(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = tmp_path / "warehouse"
    monkeypatch.setenv("FIELDFORCE_WAREHOUSE_DIR", str(warehouse))
    monkeypatch.delenv("DBT_TARGET", raising=False)
    project = make_project(tmp_path)
    land(warehouse, "fivetran_salesforce", SALESFORCE_TABLES)

    output = _scaffold(project, "salesforce", "--fivetran-schema", str(SCHEMA_JSON),
                       "--table-columns", f"Contact={CONTACT_COLUMNS}")
    assert "fall back to string" not in output
    folder = project / SF
    account_sql = (folder / "stg_salesforce__account.sql").read_text()
    assert "cast(created_date as {{ dbt.type_timestamp() }}) as created_date," in account_sql
    assert "internal_score_c" not in account_sql  # disabled in Fivetran, though landed
    assert "data_type: decimal(18,2)" in (folder / "_salesforce__sources.yml").read_text()
    _build(project, warehouse)
    for table, expected in EXPECTED_ROWS.items():
        assert count_rows(warehouse, f"main_staging.stg_salesforce__{table}") == expected, table
    _lint(project)

    # People edit the folder ...
    sources_yml, models_yml = folder / "_salesforce__sources.yml", folder / "_salesforce__models.yml"
    sources_yml.write_text(sources_yml.read_text().replace(
        "description: Billing city.", "description: City on the invoice address.  # asked finance\n"
        "            meta:\n              pii: false\n"))
    models_yml.write_text(models_yml.read_text().replace(
        "      - name: stage_name\n        description: Stage name.\n",
        "      - name: stage_name\n        description: Sales stage.\n\n        data_tests:\n"
        "          - accepted_values:\n              arguments:\n                values: ['Prospecting', 'Closed Won']\n"))
    contact_sql = folder / "stg_salesforce__contact.sql"
    contact_sql.write_text(contact_sql.read_text().replace("        phone,\n", "        phone,  -- unformatted\n"))
    edited = {path.name: path.read_bytes() for path in folder.iterdir()}

    # ... and the connector gains a column on account and contact, and a campaign table.
    execute(warehouse, "alter table fivetran_salesforce.account add column rating varchar")
    execute(warehouse, "alter table fivetran_salesforce.contact add column title varchar")
    land(warehouse, "fivetran_salesforce", {"campaign": (
        "id varchar, name varchar, start_date date, _fivetran_deleted boolean, _fivetran_synced timestamptz",
        [f"('m1', 'Spring', '2026-03-01', false, '{T1}')", f"('m2', 'Gone', '2026-03-01', true, '{T2}')"],
    )})
    doc = json.loads(SCHEMA_JSON.read_text())
    doc["data"]["schemas"]["salesforce"]["tables"]["Campaign"] = {
        "enabled": True, "sync_mode": "SOFT_DELETE", "columns": {"Id": {"enabled": True, "is_primary_key": True}}}
    v2 = tmp_path / "schema_v2.json"
    v2.write_text(json.dumps(doc))

    output = _scaffold(project, "salesforce", "--fivetran-schema", str(v2),
                       "--table-columns", f"Contact={CONTACT_COLUMNS}")
    assert f"added       {SF}/stg_salesforce__campaign.sql" in output
    assert f"updated     {SF}/stg_salesforce__account.sql  (regenerated: the connector changed)" in output
    assert f"left alone  {SF}/stg_salesforce__contact.sql" in output
    assert "1 added, 3 updated, 6 unchanged, 1 left alone" in output
    after = {path.name: path.read_bytes() for path in folder.iterdir()}
    assert after["stg_salesforce__contact.sql"] == edited["stg_salesforce__contact.sql"]
    added_sources = only_insertions(edited[sources_yml.name].decode(), after[sources_yml.name].decode())
    added_models = only_insertions(edited[models_yml.name].decode(), after[models_yml.name].decode())
    assert [line.strip() for line in added_sources if line.strip().startswith("- name:")] == [
        "- name: rating", "- name: title", "- name: campaign", "- name: id", "- name: name", "- name: start_date",
        "- name: _fivetran_deleted", "- name: _fivetran_synced"]
    assert "      - name: rating\n" in added_models
    assert "      - name: title\n" not in added_models  # contact's SQL is hand-edited and does not select it
    assert "  - name: stg_salesforce__campaign\n" in added_models
    assert "        rating,\n" in after["stg_salesforce__account.sql"].decode()

    _build(project, warehouse)
    assert count_rows(warehouse, "main_staging.stg_salesforce__campaign") == 1
    assert count_rows(warehouse, "main_staging.stg_salesforce__account") == 2

    # Nothing more to do, and CI agrees.
    again = _scaffold(project, "salesforce", "--fivetran-schema", str(v2), "--table-columns", f"Contact={CONTACT_COLUMNS}")
    assert "0 added, 0 updated, 10 unchanged, 1 left alone" in again
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == after


LONG_TABLE = "scheduled_maintenance_visit_checklist_item_results_for_technicians_by_region"
JOBSDB = {
    "jobs": (
        "id bigint, customer_id bigint, status varchar, total_amount_cents bigint, created_at timestamptz, "
        "_fivetran_deleted boolean, _fivetran_synced timestamptz",
        [
            f"(1, 10, 'scheduled', 1000, '{T1}', false, '{T1}')",
            f"(1, 10, 'completed', 1200, '{T1}', false, '{T2}')",
            f"(2, 11, 'scheduled', 500, '{T1}', true, '{T2}')",
            f"(3, 12, 'dispatched', 700, '{T1}', null, '{T1}')",
        ],
    ),
    "job_lines": (
        "job_id bigint, line_number integer, description varchar, amount decimal(12, 2), "
        "_fivetran_deleted boolean, _fivetran_synced timestamptz, primary key (job_id, line_number)",
        [f"(1, 1, 'Labour', 100.00, false, '{T1}')", f"(1, 2, 'Parts', 20.00, false, '{T1}')",
         f"(3, 1, 'Labour', 70.00, true, '{T2}')"],
    ),
    "gps_events": (
        "vehicle_id varchar, recorded_at timestamptz, lat double, lon double, _fivetran_id varchar, "
        "_fivetran_synced timestamptz",
        [f"('v1', '{T1}', 30.1, -97.1, 'e1', '{T1}')", f"('v1', '{T1}', 30.1, -97.1, 'e1', '{T2}')",
         f"('v2', '{T2}', 30.2, -97.2, 'e2', '{T2}')"],
    ),
    "fivetran_audit": ("id varchar, message varchar", []),
    # long names wrap the source() and deduplicate() calls and long casts over several lines
    LONG_TABLE: (
        "scheduled_maintenance_visit_identifier bigint, checklist_item_position_on_the_form integer, "
        '"order" integer, technician_confirmed_completion_of_the_item_at timestamptz, '
        "_fivetran_deleted boolean, _fivetran_synced timestamptz, "
        'primary key (scheduled_maintenance_visit_identifier, checklist_item_position_on_the_form, "order")',
        [f"(1, 1, 1, '{T1}', false, '{T1}')", f"(1, 1, 2, '{T1}', false, '{T1}')"],
    ),
}


def test_jobsdb_from_the_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = tmp_path / "warehouse"
    monkeypatch.setenv("FIELDFORCE_WAREHOUSE_DIR", str(warehouse))
    monkeypatch.delenv("DBT_TARGET", raising=False)
    project = make_project(tmp_path)
    land(warehouse, "fivetran_jobsdb", JOBSDB)

    output = _scaffold(project, "jobsdb", "--from-warehouse", "--warn-after", "30 minute", "--error-after", "1 hour")
    assert "skipped: fivetran_audit (no _fivetran_synced column: not a Fivetran table)" in output
    assert "6 added, 0 updated" in output  # four models and two YAML files
    folder = project / "models" / "staging" / "jobsdb"
    lines_sql = (folder / "stg_jobsdb__job_lines.sql").read_text()
    assert "partition_by='job_id, line_number'" in lines_sql
    events_sql = (folder / "stg_jobsdb__gps_events.sql").read_text()
    assert "partition_by='_fivetran_id'" in events_sql and "where" not in events_sql
    _build(project, warehouse)
    assert count_rows(warehouse, "main_staging.stg_jobsdb__jobs") == 2
    assert count_rows(warehouse, "main_staging.stg_jobsdb__job_lines") == 2
    assert count_rows(warehouse, "main_staging.stg_jobsdb__gps_events") == 2
    long_sql = (folder / f"stg_jobsdb__{LONG_TABLE}.sql").read_text()
    assert "    {{ deduplicate(\n        'source',\n" in long_sql
    assert "    select * from {{ source(\n" in long_sql
    assert count_rows(warehouse, f"main_staging.stg_jobsdb__{LONG_TABLE}") == 2
    _lint(project)

    # The database gains a column and a table: the next run adds exactly those.
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    execute(warehouse, "alter table fivetran_jobsdb.jobs add column job_source varchar")
    land(warehouse, "fivetran_jobsdb", {"regions": (
        "id bigint, name varchar, _fivetran_deleted boolean, _fivetran_synced timestamptz", [])})
    output = _scaffold(project, "jobsdb", "--from-warehouse", "--warn-after", "30 minute", "--error-after", "1 hour")
    assert "1 added, 3 updated, 3 unchanged, 0 left alone" in output
    after = {path.name: path.read_bytes() for path in folder.iterdir()}
    assert "        job_source,\n" in after["stg_jobsdb__jobs.sql"].decode()
    for name in ("_jobsdb__sources.yml", "_jobsdb__models.yml"):
        added = only_insertions(before[name].decode(), after[name].decode())
        assert any("- name: job_source" in line for line in added)
        assert any("- name: regions" in line or "- name: stg_jobsdb__regions" in line for line in added)
