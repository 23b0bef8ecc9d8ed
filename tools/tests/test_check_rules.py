"""Every `tools check` rule, shown on a small good project and one deliberately broken copy per rule."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

import pytest

from tools.check.findings import RULES
from tools.check.runner import run_check
from tools.check.synthetic import write_synthetic_project

GOOD_PROJECT: dict[str, str] = {
    "dbt_project.yml": """
        name: fixture_project
        version: "1.0.0"
        config-version: 2
        profile: fixture_project
        model-paths: ["models"]
        snapshot-paths: ["snapshots"]
        seed-paths: ["seeds"]
        vars:
          raw_database: analytics_raw
        models:
          fixture_project:
            staging:
              +materialized: view
            intermediate:
              +materialized: table
            marts:
              +materialized: table
        """,
    "models/staging/postgres/_postgres__sources.yml": """
        version: 2
        sources:
          - name: fivetran_postgres
            database: "{{ var('raw_database') }}"
            schema: fivetran_postgres
            loaded_at_field: _fivetran_synced
            freshness:
              warn_after: {count: 30, period: minute}
              error_after: {count: 60, period: minute}
            tables:
              - name: jobs
                description: Jobs as the operational database keeps them.
              - name: customers
                description: Customers of the jobs database.
              - name: job_notes
                description: Free-text notes, loaded once a day; nobody alerts on them.
                freshness: null
        """,
    "models/staging/postgres/_postgres__models.yml": """
        version: 2
        models:
          - name: stg_postgres__jobs
            description: One row per job, latest version only.
            columns:
              - name: job_id
                description: Primary key of the job.
                data_tests:
                  - unique
                  - not_null
              - name: job_status
                data_tests:
                  - accepted_values:
                      arguments:
                        values: ['scheduled', 'completed']
                      config:
                        severity: warn
          - name: stg_postgres__customers
            description: One row per customer.
            columns:
              - name: customer_id
                tests: [unique, not_null]
          - name: stg_postgres__job_notes
            description: One row per note on a job.
            data_tests:
              - unique_combination_of_columns:
                  arguments:
                    combination_of_columns: [job_id, note_number]
        """,
    "models/staging/postgres/stg_postgres__jobs.sql": """
        with

        source as (

            select * from {{ source('fivetran_postgres', 'jobs') }}

        ),

        renamed as (

            select
                id as job_id,
                customer_id,
                lower(status) as job_status,
                extract(epoch from source.created_at) as created_epoch,
                _fivetran_synced
            from source

        )

        select * from renamed
        """,
    "models/staging/postgres/stg_postgres__customers.sql": """
        select
            id as customer_id,
            name as customer_name
        from {{ source('fivetran_postgres', 'customers') }}
        """,
    "models/staging/postgres/stg_postgres__job_notes.sql": """
        select
            job_id,
            note_number,
            body as note_body
        from {{ source("fivetran_postgres", "job_notes") }}
        """,
    "models/intermediate/operations/_int_operations__models.yml": """
        version: 2
        models:
          - name: int_jobs_enriched
            description: Jobs with their note count.
            columns:
              - name: job_id
                data_tests: [unique, not_null]
        """,
    "models/intermediate/operations/int_jobs_enriched.sql": """
        select
            jobs.job_id,
            jobs.customer_id,
            jobs.job_status,
            count(notes.note_number) as note_count
        from {{ ref('stg_postgres__jobs') }} as jobs
        left join {{ ref('stg_postgres__job_notes') }} as notes
            on jobs.job_id = notes.job_id
        group by 1, 2, 3
        """,
    "models/marts/core/_core__models.yml": """
        version: 2
        models:
          - name: dim_customers
            description: One row per customer.
            config:
              meta:
                certified: true
            columns:
              - name: customer_id
                description: Primary key.
                data_tests: [unique, not_null]
              - name: customer_name
                description: Name as the customer gave it.
          - name: fct_jobs
            description: One row per job.
            meta:
              certified: true
            config:
              materialized: incremental
            columns:
              - name: job_id
                description: Primary key.
                data_tests:
                  - unique
                  - not_null
              - name: customer_id
                description: The customer the job is for.
                data_tests:
                  - not_null
                  - relationships:
                      arguments:
                        to: ref('dim_customers')
                        field: customer_id
              - name: note_count
                description: Notes on the job.
        """,
    "models/marts/core/_core__exposures.yml": """
        version: 2
        exposures:
          - name: operations_dashboard
            type: dashboard
            owner: {name: Analytics, email: analytics@example.com}
            depends_on:
              - ref('fct_jobs')
              - ref('dim_customers')
        """,
    "models/marts/core/dim_customers.sql": """
        select
            customer_id,
            customer_name
        from {{ ref('stg_postgres__customers') }}
        """,
    "models/marts/core/fct_jobs.sql": """
        {{ config(materialized='incremental', unique_key='job_id') }}

        select
            jobs.job_id,
            jobs.customer_id,
            jobs.note_count
        from {{ ref('int_jobs_enriched') }} as jobs
        inner join {{ ref('dim_customers') }} as customers
            on jobs.customer_id = customers.customer_id
        {% if is_incremental() %}
        where jobs.job_id > (select max(this_run.job_id) from {{ this }} as this_run)
        {% endif %}
        """,
    "snapshots/snap_customers.sql": """
        {% snapshot snap_customers %}
        {{ config(unique_key='customer_id', strategy='check', check_cols='all') }}
        select * from {{ ref('stg_postgres__customers') }}
        {% endsnapshot %}
        """,
    "seeds/seed_regions.csv": "region_id,region_name\n1,north\n",
}


def write_project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project", GOOD_PROJECT)


def findings_of(root: Path) -> set[tuple[str, str]]:
    return {(f.code, f.path) for f in run_check(root).findings}


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture drifted: {old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_good_project_is_clean(good: Path) -> None:
    result = run_check(good)
    assert result.findings == []
    assert result.models == 6
    assert result.sources == 3


STG = "models/staging/postgres"
CORE = "models/marts/core"
INT = "models/intermediate/operations"


def _rename(root: Path, old: str, new: str) -> None:
    (root / old).rename(root / new)


def _append(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(textwrap.dedent(text))


def _append_entry(root: Path, rel: str, entry: str) -> None:
    """Add one item to the `models:` list that ends a properties file."""
    body = textwrap.indent(textwrap.dedent(entry).strip("\n"), "  ")
    with (root / rel).open("a", encoding="utf-8") as handle:
        handle.write(body + "\n")


BREAKAGES: list[tuple[str, str, Callable[[Path], None]]] = [
    # naming
    ("NAM001", f"{INT}/jobs_summary.sql", lambda r: (
        _append(r, f"{INT}/jobs_summary.sql", "select job_id from {{ ref('int_jobs_enriched') }}\n"),
        _append_entry(r, f"{INT}/_int_operations__models.yml", """
            - name: jobs_summary
              description: Misnamed intermediate model.
              columns:
                - name: job_id
                  data_tests: [unique, not_null]
            """),
    )),
    ("NAM002", f"{STG}/stg_jobs.sql", lambda r: (
        _rename(r, f"{STG}/stg_postgres__jobs.sql", f"{STG}/stg_jobs.sql"),
        edit(r, f"{STG}/_postgres__models.yml", "stg_postgres__jobs", "stg_jobs"),
        edit(r, f"{INT}/int_jobs_enriched.sql", "stg_postgres__jobs", "stg_jobs"),
    )),
    ("NAM003", "models/misc/int_orphan.sql", lambda r: (
        _append(r, "models/misc/int_orphan.sql", "select 1 as id\n"),
        _append(r, "models/misc/_misc__models.yml", """
            version: 2
            models:
              - name: int_orphan
                description: Lives nowhere.
                columns:
                  - name: id
                    data_tests: [unique, not_null]
            """),
    )),
    ("NAM004", "snapshots/customers_history.sql", lambda r: (
        _rename(r, "snapshots/snap_customers.sql", "snapshots/customers_history.sql"),
        edit(r, "snapshots/customers_history.sql", "snapshot snap_customers", "snapshot customers_history"),
    )),
    ("NAM005", f"{STG}/schema.yml", lambda r: _rename(r, f"{STG}/_postgres__models.yml", f"{STG}/schema.yml")),
    ("NAM006", f"{STG}/_postgres__models.yml", lambda r: _append(r, f"{STG}/_postgres__models.yml", """
        sources:
          - name: fivetran_postgres_extra
            tables: []
        """)),
    ("NAM007", f"{STG}/_postgres__sources.yml", lambda r: (
        edit(r, f"{STG}/_postgres__sources.yml", "name: fivetran_postgres", "name: jobs_db"),
        *(edit(r, f"{STG}/{m}.sql", "fivetran_postgres", "jobs_db")
          for m in ("stg_postgres__jobs", "stg_postgres__customers")),
        edit(r, f"{STG}/stg_postgres__job_notes.sql", '"fivetran_postgres"', '"jobs_db"'),
    )),
    # layering
    ("LAY001", f"{CORE}/dim_customers.sql", lambda r: edit(
        r, f"{CORE}/dim_customers.sql", "{{ ref('stg_postgres__customers') }}",
        "{{ source('fivetran_postgres', 'customers') }}")),
    ("LAY002", f"{STG}/stg_postgres__customers.sql", lambda r: edit(
        r, f"{STG}/stg_postgres__customers.sql", "from {{ source('fivetran_postgres', 'customers') }}",
        "from {{ source('fivetran_postgres', 'customers') }}\n"
        "where id in (select customers.customer_id from {{ ref('dim_customers') }} as customers)")),
    ("LAY003", f"{CORE}/fct_jobs.sql", lambda r: edit(
        r, f"{CORE}/fct_jobs.sql", "{{ ref('int_jobs_enriched') }}", "{{ ref('stg_postgres__jobs') }}")),
    ("LAY004", f"{CORE}/dim_customers.sql", lambda r: edit(
        r, f"{CORE}/dim_customers.sql", "{{ ref('stg_postgres__customers') }}",
        "{{ var('raw_database') }}.fivetran_postgres.customers")),
    ("LAY005", f"{STG}/stg_postgres__customers.sql", lambda r: (
        edit(r, f"{STG}/stg_postgres__customers.sql", "source('fivetran_postgres', 'customers')",
             "source('fivetran_salesforce', 'accounts')"),
        _append(r, "models/staging/salesforce/_salesforce__sources.yml", """
            version: 2
            sources:
              - name: fivetran_salesforce
                freshness: null
                tables:
                  - name: accounts
                    description: Salesforce accounts.
            """),
    )),
    ("LAY006", f"{INT}/int_jobs_enriched.sql", lambda r: edit(
        r, f"{INT}/int_jobs_enriched.sql", "ref('stg_postgres__job_notes')", "ref('stg_postgres__notes')")),
    # coverage
    ("COV001", f"{STG}/stg_postgres__job_notes.sql", lambda r: edit(
        r, f"{STG}/_postgres__models.yml", "name: stg_postgres__job_notes", "name: stg_postgres__job_notez")),
    ("COV002", f"{STG}/_postgres__models.yml", lambda r: edit(
        r, f"{STG}/_postgres__models.yml", "    description: One row per customer.\n", "")),
    ("COV003", f"{STG}/_postgres__models.yml", lambda r: edit(
        r, f"{STG}/_postgres__models.yml", "tests: [unique, not_null]", "tests: [not_null]")),
    ("COV004", f"{STG}/_postgres__sources.yml", lambda r: edit(
        r, f"{STG}/_postgres__sources.yml", "        description: Customers of the jobs database.\n", "")),
    ("COV005", f"{STG}/_postgres__sources.yml", lambda r: edit(
        r, f"{STG}/_postgres__sources.yml",
        "    freshness:\n      warn_after: {count: 30, period: minute}\n      error_after: {count: 60, period: minute}\n",
        "")),
    ("COV006", f"{CORE}/_core__models.yml", lambda r: edit(
        r, f"{CORE}/_core__models.yml", "        description: Notes on the job.\n", "")),
    ("COV007", f"{CORE}/_core__models.yml", lambda r: edit(
        r, f"{CORE}/_core__models.yml", "to: ref('dim_customers')", "to: ref('stg_postgres__customers')")),
    ("COV008", f"{CORE}/_core__models.yml", lambda r: _append_entry(r, f"{CORE}/_core__models.yml", """
        - name: dim_technicians
          description: Not written yet.
        """)),
    # governance
    ("GOV001", f"{CORE}/_core__exposures.yml", lambda r: edit(
        r, f"{CORE}/_core__models.yml", "    config:\n      meta:\n        certified: true\n", "")),
    ("GOV002", f"{STG}/stg_postgres__customers.sql", lambda r: edit(
        r, f"{STG}/stg_postgres__customers.sql", "select\n", "{{ config(materialized='table') }}\nselect\n")),
]


def test_every_rule_has_a_broken_fixture() -> None:
    assert sorted(code for code, _, _ in BREAKAGES) == sorted(RULES)


@pytest.mark.parametrize(("code", "path", "breakage"), BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_broken_project_reports_the_rule(good: Path, code: str, path: str,
                                         breakage: Callable[[Path], None]) -> None:
    breakage(good)
    found = findings_of(good)
    assert (code, path) in found, sorted(found)


@pytest.mark.parametrize(("code", "path", "breakage"), BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_check_skip_in_meta_or_disable_switches_a_rule_off(good: Path, code: str, path: str,
                                                           breakage: Callable[[Path], None]) -> None:
    breakage(good)
    (good / "pyproject.toml").write_text(f'[tool.fieldforce.check]\ndisable = ["{code}"]\n', encoding="utf-8")
    assert code not in {c for c, _ in findings_of(good)}


def test_fact_column_named_like_a_dimension_key_needs_relationships(good: Path) -> None:
    edit(good, f"{CORE}/fct_jobs.sql", "inner join {{ ref('dim_customers') }} as customers\n"
         "    on jobs.customer_id = customers.customer_id\n", "")
    edit(good, f"{CORE}/_core__models.yml", "to: ref('dim_customers')", "to: ref('stg_postgres__customers')")
    findings = [f for f in run_check(good).findings if f.code == "COV007"]
    assert [(f.path, f.line) for f in findings] == [(f"{CORE}/_core__models.yml", 14), (f"{CORE}/_core__models.yml", 26)]
    assert "no relationships test to any dimension" in findings[0].message
    assert "fct_jobs.customer_id is the key of dim_customers" in findings[1].message


def test_synthetic_project_is_clean(tmp_path: Path) -> None:
    count = write_synthetic_project(tmp_path, models=60)
    result = run_check(tmp_path)
    assert result.models == count >= 60
    assert result.findings == []
