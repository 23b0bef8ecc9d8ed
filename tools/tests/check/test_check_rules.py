"""Every `tools check` rule, shown on a small good project and one deliberately broken copy per rule."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.synthetic_project import write_synthetic_project
from tools.check.rules import REGISTRY
from tools.check.runner import run_check
from tools.tests.check_fixture import CORE, GOOD_PROJECT, INT, STG, edit, findings_of, write_project, write_warehouse
from tools.tests.conftest import PROJECT_ROOT


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project", GOOD_PROJECT)


def test_good_project_is_clean(good: Path) -> None:
    result = run_check(good)
    assert result.findings == []
    assert result.models == 6
    assert result.sources == 3
    assert result.yaml_files == 8


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


BREAKAGES: list[tuple[str, str, Callable[[Path], object]]] = [
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
    ("NAM005", f"{STG}/_postgres.yml", lambda r: _rename(r, f"{STG}/_postgres__models.yml", f"{STG}/_postgres.yml")),
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
        r, f"{CORE}/_core__models.yml", "      meta:\n        certified: true\n", "      meta:\n        certified: false\n")),
    ("GOV005", f"{CORE}/_core__models.yml", lambda r: edit(
        r, f"{CORE}/_core__models.yml", "        data_type: bigint\n", "")),
    ("GOV002", f"{STG}/stg_postgres__customers.sql", lambda r: edit(
        r, f"{STG}/stg_postgres__customers.sql", "select\n", "{{ config(materialized='table') }}\nselect\n")),
    ("GOV003", f"{CORE}/dim_customers.sql", lambda r: edit(
        r, f"{CORE}/dim_customers.sql", "    customer_name\n", "    customer_name,\n    customer_email\n")),
    ("COV009", "macros/sql/cents_to_dollars.sql", lambda r: edit(
        r, "macros/sql/_sql__macros.yml", "description: Integer cents as an exact decimal of dollars.", "")),
    ("GOV004", f"{CORE}/_core__models.yml", lambda r: write_warehouse(
        r, {"dim_customers": {"customer_id": ["1", "2"], "customer_name": ["Ann", "Bo"],
                              "notes": ["call first", "ann@example.com"]}})),
]


def test_every_rule_has_a_broken_fixture() -> None:
    assert sorted({code for code, _, _ in BREAKAGES}) == REGISTRY.codes


@pytest.mark.parametrize(("code", "path", "breakage"), BREAKAGES, ids=[f"{b[0]}-{b[1].rsplit('/', 1)[-1]}" for b in BREAKAGES])
def test_broken_project_reports_the_rule(good: Path, code: str, path: str,
                                         breakage: Callable[[Path], object]) -> None:
    breakage(good)
    found = findings_of(good)
    assert (code, path) in found, sorted(found)


@pytest.mark.parametrize(("code", "path", "breakage"), BREAKAGES, ids=[f"{b[0]}-{b[1].rsplit('/', 1)[-1]}" for b in BREAKAGES])
def test_check_skip_in_meta_or_disable_switches_a_rule_off(good: Path, code: str, path: str,
                                                           breakage: Callable[[Path], object]) -> None:
    breakage(good)
    (good / "pyproject.toml").write_text(f'[tool.fieldforce.check]\ndisable = ["{code}"]\n', encoding="utf-8")
    assert code not in {c for c, _ in findings_of(good)}


def test_fact_column_named_like_a_dimension_key_needs_relationships(good: Path) -> None:
    edit(good, f"{CORE}/fct_jobs.sql", "inner join {{ ref('dim_customers') }} as customers\n"
         "    on jobs.customer_id = customers.customer_id\n", "")
    edit(good, f"{CORE}/_core__models.yml", "to: ref('dim_customers')", "to: ref('stg_postgres__customers')")
    findings = [f for f in run_check(good).findings if f.code == "COV007"]
    assert [(f.path, f.line) for f in findings] == [(f"{CORE}/_core__models.yml", 19), (f"{CORE}/_core__models.yml", 35)]
    assert "no relationships test to any dimension" in findings[0].message
    assert "fct_jobs.customer_id is the key of dim_customers" in findings[1].message


def test_synthetic_project_is_clean(tmp_path: Path) -> None:
    count = write_synthetic_project(tmp_path, models=60)
    result = run_check(tmp_path)
    assert result.models == count >= 60
    assert result.findings == []


def test_this_repository_has_no_findings() -> None:
    """The SDD's rules hold on main itself (pre-commit and CI run the same check)."""
    root = PROJECT_ROOT
    result = run_check(root)
    assert [f"{f.path}:{f.line}: {f.code} {f.message}" for f in result.findings] == []
    assert result.models > 0


def test_materialization_precedence_sql_over_yaml_over_project(good: Path) -> None:
    edit(good, "dbt_project.yml", "    staging:\n      +materialized: view\n",
         "    staging:\n      +materialized: table\n      postgres:\n        stg_postgres__jobs:\n"
         "          +materialized: view\n")
    messages = {f.path: f.message for f in run_check(good).findings if f.code == "GOV002"}
    assert set(messages) == {f"{STG}/stg_postgres__customers.sql", f"{STG}/stg_postgres__job_notes.sql"}
    assert "set in dbt_project.yml" in messages[f"{STG}/stg_postgres__customers.sql"]
    # YAML config beats dbt_project.yml ...
    edit(good, f"{STG}/_postgres__models.yml", "  - name: stg_postgres__customers\n",
         "  - name: stg_postgres__customers\n    config:\n      materialized: view\n")
    # ... and SQL config() beats YAML.
    edit(good, f"{STG}/stg_postgres__job_notes.sql", "select\n", "{{ config(materialized='view') }}\nselect\n")
    assert [f for f in run_check(good).findings if f.code == "GOV002"] == []


def test_pii_columns_need_a_tag_in_yaml_or_an_explicit_none(good: Path) -> None:
    edit(good, f"{CORE}/dim_customers.sql", "    customer_name\n", "    customer_name,\n    contact_phone\n")
    edit(good, f"{CORE}/_core__models.yml", "      - name: customer_name\n",
         "      - name: has_email\n"
         "        description: Whether an address is on file.\n"
         "      - name: customer_name\n")
    found = {(f.path, f.message.split(",")[0]) for f in run_check(good).findings if f.code == "GOV003"}
    assert {path for path, _ in found} == {f"{CORE}/dim_customers.sql", f"{CORE}/_core__models.yml"}
    # Tagged in YAML (under config.meta or meta), or declared not personal: clean.
    edit(good, f"{CORE}/_core__models.yml", "      - name: has_email\n"
         "        description: Whether an address is on file.\n",
         "      - name: has_email\n"
         "        description: Whether an address is on file.\n"
         "        meta: {pii: none}\n"
         "      - name: contact_phone\n"
         "        description: Phone.\n"
         "        config: {meta: {pii: phone}}\n")
    assert [f for f in run_check(good).findings if f.code == "GOV003"] == []


def test_a_staging_view_over_its_base_table_takes_the_base_tables_key_tests(good: Path) -> None:
    """base_<source>__<table> (incremental, every key) under stg_<source>__<table> (a view of the live
    rows): allowed once pyproject.toml lists base_ as a staging prefix, and the key tests of the
    base table cover the view, whose keys are a subset of its keys."""
    (good / "pyproject.toml").write_text(textwrap.dedent("""
        [tool.fieldforce.check.prefixes]
        staging = ["stg_", "base_"]
        [tool.fieldforce.check.materializations]
        staging = ["view"]
        "staging/base_" = ["incremental"]
        """), encoding="utf-8")
    _rename(good, f"{STG}/stg_postgres__jobs.sql", f"{STG}/base_postgres__jobs.sql")
    edit(good, f"{STG}/base_postgres__jobs.sql", "with\n", "{{ config(materialized='incremental') }}\nwith\n")
    _append(good, f"{STG}/stg_postgres__jobs.sql",
            "select * from {{ ref('base_postgres__jobs') }}\nwhere not is_deleted\n")
    edit(good, f"{STG}/_postgres__models.yml", "  - name: stg_postgres__jobs\n    description: One row per job, latest version only.\n",
         "  - name: base_postgres__jobs\n    description: Every job's latest version, deleted ones too.\n")
    _append_entry(good, f"{STG}/_postgres__models.yml", """
        - name: stg_postgres__jobs
          description: The live jobs.
          columns:
            - name: job_id
              description: Primary key of the job.
        """)
    assert run_check(good).findings == []
    # a base_ table must be incremental, and a stg_ view stays a view
    edit(good, f"{STG}/base_postgres__jobs.sql", "materialized='incremental'", "materialized='table'")
    assert findings_of(good) == {("GOV002", f"{STG}/base_postgres__jobs.sql")}
    edit(good, f"{STG}/base_postgres__jobs.sql", "materialized='table'", "materialized='incremental'")
    # without the base table's key tests, neither model has any
    edit(good, f"{STG}/_postgres__models.yml", "        data_tests:\n          - unique\n          - not_null\n", "")
    assert findings_of(good) == {("COV003", f"{STG}/_postgres__models.yml")} and \
        len([f for f in run_check(good).findings if f.code == "COV003"]) == 2
    # and a staging model named for no configured prefix is still named wrong
    _rename(good, f"{STG}/base_postgres__jobs.sql", f"{STG}/raw_postgres__jobs.sql")
    assert ("NAM002", f"{STG}/raw_postgres__jobs.sql") in findings_of(good)


def _gov003(root: Path) -> list[str]:
    return [f"{f.path}:{f.line}: {f.message}" for f in run_check(root).findings if f.code == "GOV003"]


def _classify_in_snapshot(root: Path, column: str, pii: str) -> None:
    edit(root, "snapshots/_snapshots.yml", "    columns:\n",
         f"    columns:\n      - name: {column}\n        config: {{meta: {{pii: {pii}}}}}\n")


def test_personal_data_is_classified_in_every_layer(good: Path) -> None:
    """A person's name, an address, a coordinate: in staging and intermediate too, not only marts."""
    edit(good, f"{STG}/stg_postgres__customers.sql", "    name as customer_name\n",
         "    name as customer_name,\n    street as address_line_1\n")
    edit(good, f"{INT}/int_jobs_enriched.sql", "    count(notes.note_number) as note_count\n",
         "    count(notes.note_number) as note_count,\n    max(notes.lat) as site_latitude\n")
    found = _gov003(good)
    assert len(found) == 2, found
    assert any("stg_postgres__customers selects address_line_1" in f for f in found)
    assert any("int_jobs_enriched selects site_latitude" in f for f in found)
    edit(good, f"{STG}/_postgres__models.yml", "        config: {meta: {pii: name}}\n",
         "        config: {meta: {pii: name}}\n"
         "      - name: address_line_1\n"
         "        config: {meta: {pii: address}}\n")
    edit(good, f"{INT}/_int_operations__models.yml", "        data_tests: [unique, not_null]\n",
         "        data_tests: [unique, not_null]\n"
         "      - name: site_latitude\n"
         "        meta: {pii: location}\n")
    # the snapshot of the customers keeps the new column too
    assert [f.split(": ", 1)[1] for f in _gov003(good)] == [
        "snap_customers.address_line_1 comes from stg_postgres__customers, where it is classified pii: address: "
        "classify it here too (a snapshot keeps every column)"]
    _classify_in_snapshot(good, "address_line_1", "address")
    assert _gov003(good) == []


def test_an_input_renamed_or_dropped_before_final_is_no_output(good: Path) -> None:
    edit(good, f"{STG}/stg_postgres__customers.sql", "    name as customer_name\n",
         "    name as customer_name,\n    lower(email) as contact\n")
    edit(good, f"{STG}/_postgres__models.yml", "        config: {meta: {pii: name}}\n",
         "        config: {meta: {pii: name}}\n"
         "      - name: contact\n"
         "        config: {meta: {pii: email}}\n")
    _classify_in_snapshot(good, "contact", "email")
    assert _gov003(good) == []  # `email` is read, not selected
    edit(good, f"{INT}/int_jobs_enriched.sql", "select\n",
         "with pings as (select latitude, longitude from {{ ref('stg_postgres__jobs') }}),\n"
         "final as (\nselect\n")
    edit(good, f"{INT}/int_jobs_enriched.sql", "group by 1, 2, 3\n", "group by 1, 2, 3\n)\nselect * from final\n")
    assert _gov003(good) == []  # an earlier CTE's coordinates that final does not keep


def test_an_unknown_class_is_refused(good: Path) -> None:
    edit(good, f"{CORE}/_core__models.yml", "        config: {meta: {pii: name}}\n",
         "        config: {meta: {pii: emial}}\n")
    found = _gov003(good)
    assert len(found) == 1 and "pii class 'emial' has no masking policy" in found[0], found


def test_a_classified_column_stays_classified_downstream(good: Path) -> None:
    """By lineage, whatever the name: a mart's copy of a column classified upstream, and every
    classified column of what a snapshot selects."""
    edit(good, f"{STG}/stg_postgres__customers.sql", "    name as customer_name\n",
         "    name as customer_name,\n    handle\n")
    edit(good, f"{STG}/_postgres__models.yml", "        config: {meta: {pii: name}}\n",
         "        config: {meta: {pii: name}}\n"
         "      - name: handle\n"
         "        config: {meta: {pii: email}}\n")
    edit(good, f"{CORE}/dim_customers.sql", "    customer_name\n", "    customer_name,\n    handle\n")
    edit(good, f"{CORE}/_core__models.yml", "        config: {meta: {pii: name}}\n",
         "        config: {meta: {pii: name}}\n"
         "      - name: handle\n"
         "        description: How to reach the customer.\n")
    found = _gov003(good)
    assert [f.split(": ", 1)[1] for f in found] == [
        "dim_customers.handle comes from stg_postgres__customers, where it is classified pii: email: "
        "classify it here too (a model stores its own copy)",
        "snap_customers.handle comes from stg_postgres__customers, where it is classified pii: email: "
        "classify it here too (a snapshot keeps every column)"], found


def test_a_seed_whose_values_look_like_emails_or_phones_is_classified(good: Path) -> None:
    (good / "seeds" / "seed_contacts.csv").write_text(
        "contact_id,reach_at,backup\n1,ann@example.com,(415) 555-0123\n2,,415-555-0199\n", encoding="utf-8")
    found = _gov003(good)
    assert len(found) == 2 and all("seed seed_contacts." in f for f in found), found
    (good / "seeds" / "_seeds__seeds.yml").write_text(
        "version: 2\nseeds:\n  - name: seed_contacts\n    columns:\n"
        "      - name: reach_at\n        config: {meta: {pii: email}}\n"
        "      - name: backup\n        meta: {pii: phone}\n", encoding="utf-8")
    assert _gov003(good) == []


def test_values_that_look_like_personal_data_need_a_class(good: Path) -> None:
    """In a built warehouse: whatever the column's name, and in views over raw as in tables."""
    write_warehouse(good, {
        "dim_customers": {"customer_id": ["1", "2", "3"], "customer_name": ["Ann", "Bo", None],
                          "notes": ["gate code 1234", None, "cell +1 415.555.0123"],
                          "status": ["active", "lapsed", "active"]},
        "stg_postgres__customers": {"customer_id": ["1"], "customer_name": ["ann@example.com"]},
        "not_a_model": {"contact": ["ann@example.com"]},
    })
    warehouse = good / ".warehouse" / "analytics.duckdb"
    found = [f for f in run_check(good, warehouse=warehouse).findings if f.code == "GOV004"]
    assert [(f.path, f.message) for f in found] == [(
        f"{CORE}/_core__models.yml",
        "model dim_customers.notes holds values like a phone number in the warehouse: classify it "
        "`config: {meta: {pii: <class>}}` (email, phone, name, address, postal_code, location), "
        "or `pii: none` if it is not personal data")]
    assert "415" not in found[0].message  # the value itself is never printed
    assert [f for f in run_check(good).findings if f.code == "GOV004"] == []  # names only without it
    edit(good, f"{CORE}/_core__models.yml", "        config: {meta: {pii: name}}\n",
         "        config: {meta: {pii: name}}\n"
         "      - name: notes\n"
         "        description: Free text.\n"
         "        config: {meta: {pii: phone}}\n")
    assert [f for f in run_check(good, warehouse=warehouse).findings if f.code == "GOV004"] == []


def test_a_warehouse_that_is_no_duckdb_file_is_one_clear_error(good: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tools.cli import main

    bogus = tmp_path / "analytics.duckdb"
    bogus.write_text("not a database", encoding="utf-8")
    for path, reason in ((bogus, "is damaged"),
                         (tmp_path / "missing.duckdb", "no such file")):
        result = CliRunner().invoke(main, ["check", "--project-dir", str(good), "--warehouse", str(path)])
        assert result.exit_code == 2, result.output
        assert reason in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output


def test_a_built_column_classified_where_it_comes_from_needs_its_class(good: Path) -> None:
    """`select *` or a column the YAML does not list: the warehouse shows it, lineage classifies it."""
    write_warehouse(good, {"fct_jobs": {"job_id": ["1"], "customer_name": ["Ann"]}})
    found = [f for f in run_check(good, warehouse=good / ".warehouse" / "analytics.duckdb").findings
             if f.code == "GOV004"]
    assert [f.message for f in found] == [
        "model fct_jobs has a column customer_name in the warehouse, classified pii: name in dim_customers "
        "where it comes from: list and classify it here too"]


def test_a_relation_the_check_cannot_read_is_reported(good: Path) -> None:
    import duckdb

    path = write_warehouse(good, {"base": {"x": ["1"]}})
    con = duckdb.connect(str(path))
    con.execute("create view dim_customers as select x as customer_name from base")
    con.execute("drop table base")
    con.close()
    found = [f for f in run_check(good, warehouse=path).findings if f.code == "GOV004"]
    assert len(found) == 1 and "dim_customers: its relation in the warehouse cannot be read" in found[0].message


def test_a_column_renamed_or_derived_from_a_classified_one_is_classified(good: Path) -> None:
    edit(good, f"{CORE}/dim_customers.sql", "    customer_name\n",
         "    customer_name,\n    upper(customer_name) as shouted,\n    count(customer_name) as named_customers\n")
    found = [f.split(": ", 1)[1] for f in _gov003(good)]
    assert found == [
        "dim_customers derives shouted from customer_name, classified pii: name in stg_postgres__customers: "
        "list shouted in the YAML and classify it (`pii: none` if it holds nothing personal, such as a count)",
        "dim_customers derives named_customers from customer_name, classified pii: name in "
        "stg_postgres__customers: list named_customers in the YAML and classify it (`pii: none` if it holds "
        "nothing personal, such as a count)"], found
    edit(good, f"{CORE}/_core__models.yml", "        config: {meta: {pii: name}}\n",
         "        config: {meta: {pii: name}}\n"
         "      - name: shouted\n        description: Upper case.\n        config: {meta: {pii: name}}\n"
         "      - name: named_customers\n        description: A count.\n        meta: {pii: none}\n")
    assert _gov003(good) == []


def _cov009(root: Path) -> list[str]:
    return sorted(f"{f.path}:{f.line}: {f.message}" for f in run_check(root).findings if f.code == "COV009")


def test_every_macro_argument_is_described_and_every_entry_names_a_macro(good: Path) -> None:
    assert _cov009(good) == []
    edit(good, "macros/sql/cents_to_dollars.sql", "cents_to_dollars(column_name, scale=2)",
         "cents_to_dollars(column_name, scale=2, rounding='half_even')")
    edit(good, "macros/sql/_sql__macros.yml", "description: Decimal places.", "description: ' '")
    _append_entry(good, "macros/sql/_sql__macros.yml", """
          - name: dollars_to_cents
            description: Written before the macro was.
        """)
    edit(good, "tests/generic/_generic__macros.yml", "- name: column_name\n", "- name: column\n")
    assert _cov009(good) == [
        "macros/sql/_sql__macros.yml:12: dollars_to_cents is documented here but no macro of that name is defined: "
        "remove the entry or fix its name (a generic test's entry is test_<name>)",
        "macros/sql/_sql__macros.yml:3: macro cents_to_dollars: argument rounding is not described under `arguments:`",
        "macros/sql/_sql__macros.yml:3: macro cents_to_dollars: argument scale is not described under `arguments:`",
        "tests/generic/_generic__macros.yml:3: macro test_positive_value documents an argument column it does not take",
        "tests/generic/_generic__macros.yml:3: macro test_positive_value: argument column_name is not described "
        "under `arguments:`",
    ]


def test_a_generic_test_is_documented_under_its_macro_name(good: Path) -> None:
    edit(good, "tests/generic/_generic__macros.yml", "- name: test_positive_value", "- name: positive_value")
    assert _cov009(good) == [
        "tests/generic/_generic__macros.yml:3: positive_value is documented here but no macro of that name is "
        "defined: remove the entry or fix its name (a generic test's entry is test_<name>)",
        "tests/generic/test_positive_value.sql:1: macro test_positive_value has no description: document it in "
        "the folder's _<folder>__macros.yml (`macros: [{name: test_positive_value, description: ...}]`)",
    ]


def test_a_macro_documented_twice_is_reported_once(good: Path) -> None:
    _append_entry(good, "tests/generic/_generic__macros.yml", """
          - name: test_positive_value
            description: Again.
        """)
    found = _cov009(good)
    assert len(found) == 1 and "test_positive_value is documented twice (also tests/generic/_generic__macros.yml:3)" in found[0]


def test_the_registry_stamps_each_violation_with_its_rules_code_and_refuses_a_code_twice() -> None:
    import types

    from tools.check.findings import Registry, Violation, rule

    first, second = types.ModuleType("tools.check.rules.first"), types.ModuleType("tools.check.rules.second")

    @rule("TST001", "always", "Always reports.")
    def always(project):
        yield Violation("models/x.sql", 3, "x is wrong", ("model", "x"))

    setattr(first, "always", always)  # noqa: B010
    registry = Registry.of([first])
    assert registry.codes == ["TST001"] and registry.rules["TST001"].family == "first"
    (found,) = registry.rules["TST001"].run(None)
    assert (found.path, found.line, found.code, found.rule, found.message, found.subject) == (
        "models/x.sql", 3, "TST001", "always", "x is wrong", ("model", "x"))
    setattr(second, "again", always)  # noqa: B010
    with pytest.raises(RuntimeError, match="rule code TST001 defined twice"):
        Registry.of([first, second])


@pytest.mark.parametrize(("old", "new", "lacks"), [
    ("      access: public\n", "", "`access: public`"),
    ("      contract: {enforced: true}\n", "", "`contract: {enforced: true}`"),
    ("      contract: {enforced: true}\n", "      contract: {enforced: false}\n", "`contract: {enforced: true}`"),
    # a contract enforced on some targets only is not one: every target enforces it
    ("      contract: {enforced: true}\n", "      contract: {enforced: \"{{ target.name != 'emulator' }}\"}\n",
     "`contract: {enforced: true}`"),
    ("        data_type: varchar\n", "", "a data_type on customer_name"),
])
def test_a_certified_model_is_public_under_an_enforced_contract(good: Path, old: str, new: str, lacks: str) -> None:
    edit(good, f"{CORE}/_core__models.yml", old, new)
    messages = [f.message for f in run_check(good).findings if f.code == "GOV005"]
    assert messages == [f"dim_customers is certified but lacks {lacks}"]


@pytest.mark.parametrize(("old", "lacks"), [
    ("      +group: analytics\n", "a group (its owner; `+group` per folder in dbt_project.yml)"),
    ("      +tags: [\"core\"]\n", "a domain tag (`+tags` per folder in dbt_project.yml)"),
])
def test_a_certified_model_has_an_owner_and_a_domain(good: Path, old: str, lacks: str) -> None:
    edit(good, "dbt_project.yml", old, "")
    messages = sorted(f.message for f in run_check(good).findings if f.code == "GOV005")
    assert messages == [f"dim_customers is certified but lacks {lacks}", f"fct_jobs is certified but lacks {lacks}"]
