"""A small dbt project that follows every `tools check` rule, for the check's tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tools.check.runner import run_check

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
              +group: analytics
              +tags: ["core"]
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
              - name: customer_name
                config: {meta: {pii: name}}
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
              access: public
              contract: {enforced: true}
            columns:
              - name: customer_id
                description: Primary key.
                data_type: integer
                data_tests: [unique, not_null]
              - name: customer_name
                description: Name as the customer gave it.
                data_type: varchar
                config: {meta: {pii: name}}
          - name: fct_jobs
            description: One row per job.
            meta:
              certified: true
            access: public
            config:
              materialized: incremental
              contract:
                enforced: true
            columns:
              - name: job_id
                description: Primary key.
                data_type: integer
                data_tests:
                  - unique
                  - not_null
              - name: customer_id
                description: The customer the job is for.
                data_type: integer
                data_tests:
                  - not_null
                  - relationships:
                      arguments:
                        to: ref('dim_customers')
                        field: customer_id
              - name: note_count
                description: Notes on the job.
                data_type: bigint
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
    "snapshots/_snapshots.yml": """
        version: 2
        snapshots:
          - name: snap_customers
            description: History of customers.
            columns:
              - name: customer_name
                config: {meta: {pii: name}}
        """,
    "seeds/seed_regions.csv": "region_id,region_name\n1,north\n",
    "macros/sql/cents_to_dollars.sql": """
        {# cents as dollars #}
        {% macro cents_to_dollars(column_name, scale=2) -%}
            cast({{ column_name }} / 100.0 as numeric(18, {{ scale }}))
        {%- endmacro %}
        """,
    "macros/sql/_sql__macros.yml": """
        version: 2
        macros:
          - name: cents_to_dollars
            description: Integer cents as an exact decimal of dollars.
            arguments:
              - name: column_name
                type: string
                description: The amount in cents.
              - name: scale
                type: integer
                description: Decimal places.
        """,
    "tests/generic/test_positive_value.sql": """
        {% test positive_value(model, column_name) %}
        select {{ column_name }} from {{ model }} where {{ column_name }} <= 0
        {% endtest %}
        """,
    "tests/generic/_generic__macros.yml": """
        version: 2
        macros:
          - name: test_positive_value
            description: Every value of the column is greater than zero.
            arguments:
              - name: model
                description: The tested model.
              - name: column_name
                description: The tested column.
        """,
}


def write_project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def findings_of(root: Path) -> set[tuple[str, str]]:
    """The findings, judged with the project's built warehouse too when there is one."""
    warehouse = root / WAREHOUSE
    return {(f.code, f.path) for f in run_check(root, warehouse=warehouse if warehouse.is_file() else None).findings}


WAREHOUSE = ".warehouse/analytics.duckdb"


def write_warehouse(root: Path, tables: dict[str, dict[str, list[str | None]]]) -> Path:
    """A DuckDB file at root/.warehouse with these tables (name -> column -> text values)."""
    import duckdb

    path = root / WAREHOUSE
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        for table, columns in tables.items():
            con.execute(f"create or replace table {table} ({', '.join(f'{c} varchar' for c in columns)})")
            rows = list(zip(*columns.values(), strict=True))
            if rows:
                con.executemany(f"insert into {table} values ({', '.join('?' for _ in columns)})", rows)
    finally:
        con.close()
    return path


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture drifted: {old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


STG = "models/staging/postgres"
CORE = "models/marts/core"
INT = "models/intermediate/operations"
