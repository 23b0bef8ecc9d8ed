"""`tools scaffold-source` from the command line: re-runs, hand edits, --dry-run, --check, bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tools import fsio
from tools.cli import main
from tools.tests.scaffold_helpers import CONTACT_COLUMNS, SCHEMA_JSON, make_project, only_insertions

SF = "models/staging/salesforce"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FIELDFORCE_WAREHOUSE_DIR", str(tmp_path / "no-warehouse"))
    monkeypatch.delenv("DBT_TARGET", raising=False)
    return make_project(tmp_path)


def scaffold(project: Path, *args: str, schema: Path = SCHEMA_JSON):
    result = CliRunner().invoke(main, [
        "scaffold-source", "salesforce", "--fivetran-schema", str(schema),
        "--table-columns", f"Contact={CONTACT_COLUMNS}", "--project-dir", str(project), *args,
    ])
    return result


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def changed_schema(tmp_path: Path) -> Path:
    """The connector gained a column on Account and Case, and a Campaign table."""
    doc = json.loads(SCHEMA_JSON.read_text())
    tables = doc["data"]["schemas"]["salesforce"]["tables"]
    tables["Account"]["columns"]["Rating"] = {"enabled": True, "hashed": False, "is_primary_key": False}
    tables["Case"]["columns"]["Origin"] = {"enabled": True, "hashed": False, "is_primary_key": False}
    tables["Campaign"] = {"enabled": True, "sync_mode": "SOFT_DELETE", "columns": {
        "Id": {"enabled": True, "is_primary_key": True}, "Name": {"enabled": True},
        "StartDate": {"enabled": True}}}
    path = tmp_path / "schema_v2.json"
    path.write_text(json.dumps(doc))
    return path


def test_first_run_then_nothing_to_do(project: Path) -> None:
    result = scaffold(project)
    assert result.exit_code == 0, result.output
    folder = project / SF
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([".scaffold.json", "_salesforce__models.yml", "_salesforce__sources.yml"] + [
        f"stg_salesforce__{t}.sql" for t in ("account", "contact", "case", "opportunity", "opportunity_line_item",
                                              "quote_line_item", "login_event", "task")])
    assert "no landed tables reachable: column types fall back to string" in result.output
    assert "skipped: Lead (disabled in Fivetran)" in result.output
    assert "10 added, 0 updated, 0 unchanged, 0 left alone" in result.output
    before = snapshot(folder)

    again = scaffold(project)
    assert again.exit_code == 0
    assert "0 added, 0 updated, 10 unchanged, 0 left alone" in again.output
    assert snapshot(folder) == before
    check = scaffold(project, "--check")
    assert check.exit_code == 0 and "up to date" in check.output


def test_schema_change_adds_only_what_is_new_and_hand_edits_survive(project: Path, tmp_path: Path) -> None:
    assert scaffold(project).exit_code == 0
    folder = project / SF
    # a person edits the account model, the models YAML and the sources YAML
    account_sql = folder / "stg_salesforce__account.sql"
    account_sql.write_text(account_sql.read_text().replace("-- ids\n", "-- ids (reviewed)\n"))
    models_yml = folder / "_salesforce__models.yml"
    models_yml.write_text(models_yml.read_text().replace(
        "description: Primary key of the case.",
        "description: >\n          Case id, 18 characters.\n        # checked with support\n"
        "        meta: {owner: support}").replace("\nmodels:\n", "\n# staging models for Salesforce\nmodels:\n\n"))
    sources_yml = folder / "_salesforce__sources.yml"
    sources_yml.write_text(sources_yml.read_text().replace(
        "description: Name.", "description: 'Account name, as typed by sales.'  # free text"))
    edited = snapshot(folder)

    v2 = changed_schema(tmp_path)
    check = scaffold(project, "--check", schema=v2)
    assert check.exit_code == 1, check.output
    assert "+        origin," in check.output
    assert "out of date" in check.output
    assert snapshot(folder) == edited
    dry = scaffold(project, "--dry-run", schema=v2)
    assert dry.exit_code == 0
    assert "+++ b/models/staging/salesforce/stg_salesforce__campaign.sql" in dry.output
    assert "is left alone (edited by hand); the generator would change it:" in dry.output
    assert "dry run: nothing was written" in dry.output
    assert snapshot(folder) == edited

    result = scaffold(project, schema=v2)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"added       {SF}/stg_salesforce__campaign.sql" in lines
    assert any(line.startswith(f"left alone  {SF}/stg_salesforce__account.sql") for line in lines)
    assert any(line.startswith(f"updated     {SF}/stg_salesforce__case.sql") for line in lines)
    assert f"unchanged   {SF}/stg_salesforce__contact.sql" in lines
    assert "1 added, 3 updated, 6 unchanged, 1 left alone" in result.output

    after = snapshot(folder)
    # the hand-edited SQL is untouched; the YAML only gained lines
    assert after["stg_salesforce__account.sql"] == edited["stg_salesforce__account.sql"]
    sources_added = only_insertions(edited["_salesforce__sources.yml"].decode(), after["_salesforce__sources.yml"].decode())
    models_added = only_insertions(edited["_salesforce__models.yml"].decode(), after["_salesforce__models.yml"].decode())
    assert "          - name: rating\n" in sources_added
    assert "          - name: origin\n" in sources_added
    assert "      - name: campaign\n" in sources_added
    assert "  - name: stg_salesforce__campaign\n" in models_added
    assert "      - name: origin\n" in models_added
    # the account model is hand-edited: its YAML entry is not extended with a column it does not select
    assert "      - name: rating\n" not in models_added
    # the regenerated case model differs from the old one by the new column only
    case_diff = [line for line in after["stg_salesforce__case.sql"].decode().splitlines()
                 if line not in edited["stg_salesforce__case.sql"].decode().splitlines()]
    assert case_diff == ["        origin,"]

    final = scaffold(project, schema=v2)
    assert "0 added, 0 updated, 10 unchanged, 1 left alone" in final.output
    assert snapshot(folder) == after
    assert scaffold(project, "--check", schema=v2).exit_code == 0


def column_listing(tmp_path: Path, table: str, drop: tuple[str, ...] = (), add: tuple[str, ...] = ()) -> Path:
    """A per-table column listing (the whole column list) made from the fixture's schema config."""
    configured = json.loads(SCHEMA_JSON.read_text())["data"]["schemas"]["salesforce"]["tables"][table]["columns"]
    columns = {name: item for name, item in configured.items() if name not in drop}
    columns.update({name: {"enabled": True, "hashed": False, "is_primary_key": False} for name in add})
    path = tmp_path / f"{table}-{'-'.join(drop)}-{'-'.join(add)}.json"
    path.write_text(json.dumps({"code": "Success", "data": {"columns": columns}}))
    return path


def test_tables_and_columns_gone_from_the_connector_are_reported_and_left_in_place(
    project: Path, tmp_path: Path
) -> None:
    first = scaffold(project, "--table-columns", f"Case={column_listing(tmp_path, 'Case', add=('Origin',))}",
                     "--table-columns", f"Account={column_listing(tmp_path, 'Account')}")
    assert first.exit_code == 0, first.output
    assert "gone: " not in first.output
    folder = project / SF
    account_sql = folder / "stg_salesforce__account.sql"
    account_sql.write_text(account_sql.read_text().replace("-- ids\n", "-- ids (reviewed)\n"))
    doc = json.loads(SCHEMA_JSON.read_text())
    tables = doc["data"]["schemas"]["salesforce"]["tables"]
    tables["Task"]["enabled"] = False
    del tables["Case"]["columns"]["Priority"]
    del tables["Account"]["columns"]["Industry"]
    v2 = tmp_path / "schema_v2.json"
    v2.write_text(json.dumps(doc))
    before = snapshot(folder)

    def gone_lines(output: str) -> list[str]:
        return sorted(line.split(" is no longer")[0] for line in output.splitlines() if line.startswith("gone: "))

    result = scaffold(project, "--table-columns", f"Case={column_listing(tmp_path, 'Case', ('Priority',), ('Origin',))}",
                      "--table-columns", f"Account={column_listing(tmp_path, 'Account', ('Industry',))}", schema=v2)
    assert result.exit_code == 0, result.output
    assert gone_lines(result.output) == [
        "gone: _salesforce__models.yml: model stg_salesforce__task",
        "gone: _salesforce__models.yml: stg_salesforce__case.column priority",
        "gone: _salesforce__sources.yml: fivetran_salesforce.account.column industry",
        "gone: _salesforce__sources.yml: fivetran_salesforce.case.column priority",
        "gone: _salesforce__sources.yml: fivetran_salesforce.table task",
    ]  # not the columns of the hand-edited account model, which are its author's
    after = snapshot(folder)
    # left in place: the entries, and the SQL of the disabled table
    assert after["stg_salesforce__task.sql"] == before["stg_salesforce__task.sql"]
    assert "- name: stg_salesforce__task" in after["_salesforce__models.yml"].decode()
    assert "- name: priority" in after["_salesforce__sources.yml"].decode()
    # the regenerated case model no longer selects the column
    assert "priority" not in after["stg_salesforce__case.sql"].decode()

    # a schema config alone lists only the columns someone changed: origin is not gone for it
    config_only = scaffold(project, "--check", schema=v2)
    assert gone_lines(config_only.output) == [
        "gone: _salesforce__models.yml: model stg_salesforce__task",
        "gone: _salesforce__sources.yml: fivetran_salesforce.table task",
    ], config_only.output
    # a run for some tables only compares nothing
    picked = scaffold(project, "--table", "Case", schema=v2)
    assert picked.exit_code == 0, picked.output
    assert "gone: " not in picked.output


def test_a_schema_config_alone_does_not_drop_columns_it_does_not_list(project: Path, tmp_path: Path) -> None:
    listed = scaffold(project, "--table-columns", f"Case={column_listing(tmp_path, 'Case', add=('Origin',))}")
    assert listed.exit_code == 0, listed.output
    case_sql = project / SF / "stg_salesforce__case.sql"
    with_origin = case_sql.read_text()
    assert "        origin,\n" in with_origin

    # the config lists only the columns someone changed: origin may well still be synced
    config_only = scaffold(project)
    assert config_only.exit_code == 0, config_only.output
    assert (f"left alone  {SF}/stg_salesforce__case.sql  (the schema config alone does not list origin: "
            "give --table-columns or reach the landed tables to regenerate it)") in config_only.output
    assert case_sql.read_text() == with_origin


def test_a_column_turned_off_in_the_schema_config_is_dropped(project: Path, tmp_path: Path) -> None:
    assert scaffold(project).exit_code == 0
    doc = json.loads(SCHEMA_JSON.read_text())
    doc["data"]["schemas"]["salesforce"]["tables"]["Case"]["columns"]["Status"]["enabled"] = False
    disabled = tmp_path / "schema_status_off.json"
    disabled.write_text(json.dumps(doc))
    off = scaffold(project, schema=disabled)
    assert off.exit_code == 0, off.output
    # turned off in Fivetran is gone for sure, even from a config that lists only changes
    assert f"updated     {SF}/stg_salesforce__case.sql  (regenerated: the connector changed)" in off.output
    assert "        status,\n" not in (project / SF / "stg_salesforce__case.sql").read_text()


def test_gone_spares_other_sources_and_hand_written_models(project: Path) -> None:
    assert scaffold(project).exit_code == 0
    folder = project / SF
    sources_yml = folder / "_salesforce__sources.yml"
    sources_yml.write_text(sources_yml.read_text() + "  - name: salesforce_history\n    tables:\n      - name: old\n")
    models_yml = folder / "_salesforce__models.yml"
    models_yml.write_text(models_yml.read_text() + "  - name: stg_salesforce__account_owners\n")
    (folder / "stg_salesforce__account_owners.sql").write_text("select 1 as owner_id\n")
    result = scaffold(project, "--check")
    assert result.exit_code == 0, result.output
    assert "gone: " not in result.output


def test_freshness_options(project: Path) -> None:
    result = scaffold(project, "--warn-after", "12 hour", "--error-after", "1 day")
    assert result.exit_code == 0, result.output
    text = (project / SF / "_salesforce__sources.yml").read_text()
    assert "warn_after: {count: 12, period: hour}" in text
    assert "error_after: {count: 1, period: day}" in text
    bad = scaffold(project, "--warn-after", "soon")
    assert bad.exit_code == 2 and "is not a period" in bad.output
    reversed_ = scaffold(project, "--warn-after", "2 day", "--error-after", "1 hour")
    assert reversed_.exit_code == 1 and "error_after must not be shorter" in reversed_.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"data": {"schemas": ', "is not valid JSON"),
        ('{"items": []}', "not a Fivetran schema config: no schemas object in it"),
        (json.dumps({"code": "Success", "data": {"schemas": {"s": {"tables": {"T": {"columns": {"A": 1}}}}}}}),
         "data.schemas.s.tables.T.columns.A should be an object"),
        (json.dumps({"data": {"schemas": {"s": {"tables": {"T": {"columns": {
            "FooBar": {"enabled": True}, "foo_bar": {"enabled": True}}}}}}}}),
         "columns 'FooBar' and 'foo_bar' of table 'T' both map to 'foo_bar'"),
        (json.dumps({"data": {"schemas": {"s": {"tables": {"名前": {}}}}}}), "cannot be made a valid identifier"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (json.dumps({"data": {"schemas": {"s": {"tables": {"T" * 2000: {}}}}}}), "Snowflake allows 255"),
        (json.dumps({"data": {"schemas": {"s": {"tables": {"T": {"columns": {"C" * 2000: {"enabled": True}}}}}}}}),
         "Snowflake allows 255"),
        # a table name Snowflake allows, whose model file name a file system does not
        (json.dumps({"data": {"schemas": {"s": {"tables": {"t" * 250: {}, "Contact": {}}}}}}),
         "more than a file name holds"),
    ],
)
def test_bad_input_touches_nothing(project: Path, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = scaffold(project, schema=path)
    assert result.exit_code == 1
    assert result.output.count("error:") == 1 and message in result.output
    assert not (project / SF).exists()


def test_bad_arguments(project: Path) -> None:
    runner = CliRunner()
    base = ["scaffold-source", "--project-dir", str(project)]
    neither = runner.invoke(main, [*base, "salesforce"])
    assert neither.exit_code == 2 and "exactly one of" in neither.output
    both = runner.invoke(main, [*base, "salesforce", "--from-warehouse", "--fivetran-schema", str(SCHEMA_JSON)])
    assert both.exit_code == 2
    name = runner.invoke(main, [*base, "Sales-Force", "--fivetran-schema", str(SCHEMA_JSON)])
    assert name.exit_code == 2 and "lower snake case" in name.output
    key = runner.invoke(main, [*base, "salesforce", "--fivetran-schema", str(SCHEMA_JSON), "--key", "account"])
    assert key.exit_code == 2 and "TABLE=VALUE" in key.output
    table = scaffold(project, "--table", "Leads")
    assert table.exit_code == 1 and "unknown table 'Leads'" in table.output
    schema = scaffold(project, "--schema", "nope")
    assert schema.exit_code == 0  # a SaaS config has one schema; --schema names the raw schema
    warehouse = runner.invoke(main, [*base, "salesforce", "--from-warehouse"])
    assert warehouse.exit_code == 1 and "cannot read the landed tables" in warehouse.output
    assert not (project / SF).exists() or schema.exit_code == 0


@pytest.mark.parametrize("schema", [
    "x; drop table analytics_raw.fivetran_postgres.jobs; --", "fivetran_x' or '1'='1", 'fivetran "x"',
    "1fivetran", "fivetran-x", "fivetran.x", "", "a" * 256,
])
def test_a_schema_that_is_not_an_identifier_never_reaches_the_yaml(project: Path, schema: str) -> None:
    """--schema is written into the sources YAML and compiled into SQL: only a plain name passes."""
    result = scaffold(project, "--schema", schema)
    assert result.exit_code == 2, result.output
    assert "is not a Fivetran schema name" in result.output and "Traceback" not in result.output
    assert not (project / SF).exists()


def test_a_schema_in_capitals_is_the_lower_case_raw_schema(project: Path) -> None:
    result = scaffold(project, "--schema", "Fivetran_SF")
    assert result.exit_code == 0, result.output
    assert "schema: fivetran_sf" in (project / SF / "_salesforce__sources.yml").read_text()


def test_unknown_source_in_the_warehouse(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    duckdb.connect(str(warehouse / "analytics_raw.duckdb")).execute("create schema fivetran_other").close()
    monkeypatch.setenv("FIELDFORCE_WAREHOUSE_DIR", str(warehouse))
    result = CliRunner().invoke(main, ["scaffold-source", "hubspot", "--from-warehouse", "--project-dir", str(project)])
    assert result.exit_code == 1
    assert "error: unknown source: schema 'fivetran_hubspot' has no tables in the warehouse" in result.output
    assert not (project / "models" / "staging" / "hubspot").exists()


def test_unwritable_folder(project: Path) -> None:
    (project / "models" / "staging").write_text("a file where the folder should be")
    result = scaffold(project)
    assert result.exit_code == 1
    assert result.output.startswith("error: cannot write to") and "is a file, not a folder" in result.output


def test_interrupted_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "file.yml"
    target.write_text("old\n")

    def crash(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        fsio.atomic_write(target, "new\n")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.yml"]
    monkeypatch.undo()
    fsio.atomic_write(target, "new\n")
    assert target.read_text() == "new\n"


def test_damaged_manifest(project: Path) -> None:
    assert scaffold(project).exit_code == 0
    (project / SF / ".scaffold.json").write_text("{")
    result = scaffold(project)
    assert result.exit_code == 1 and ".scaffold.json is damaged" in result.output


def test_existing_hand_written_folder_is_respected(project: Path) -> None:
    """A folder written by hand (no manifest): SQL that differs is left alone, YAML only gains entries."""
    folder = project / SF
    folder.mkdir(parents=True)
    (folder / "stg_salesforce__account.sql").write_text("select 1 as account_id\n")
    models = "version: 2\n\nmodels:\n  - name: stg_salesforce__account\n    description: Hand written.\n"
    (folder / "_salesforce__models.yml").write_text(models)
    result = scaffold(project)
    assert result.exit_code == 0, result.output
    assert (folder / "stg_salesforce__account.sql").read_text() == "select 1 as account_id\n"
    new_models = (folder / "_salesforce__models.yml").read_text()
    added = only_insertions(models, new_models)
    assert "  - name: stg_salesforce__contact\n" in added
    assert not any("stg_salesforce__account" in line for line in added)
    manifest = json.loads((folder / ".scaffold.json").read_text())
    assert "stg_salesforce__account.sql" not in manifest["files"]


def test_a_deeply_nested_column_listing_and_a_long_source_name(project: Path, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("{\"a\": " * 100_000 + "1" + "}" * 100_000)
    result = CliRunner().invoke(main, ["scaffold-source", "salesforce", "--fivetran-schema", str(SCHEMA_JSON),
                                       "--table-columns", f"Contact={deep}", "--project-dir", str(project)])
    assert result.exit_code == 1 and "nested too deeply" in result.output, result.output
    long_name = CliRunner().invoke(main, ["scaffold-source", "s" * 2000, "--fivetran-schema", str(SCHEMA_JSON),
                                          "--project-dir", str(project)])
    assert long_name.exit_code == 2 and "at most 64" in long_name.output
    assert "Traceback" not in result.output + long_name.output
    assert not (project / SF).exists()


def test_a_project_dir_that_is_no_dbt_project_is_refused_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent"
    result = CliRunner().invoke(main, ["scaffold-source", "salesforce", "--fivetran-schema", str(SCHEMA_JSON),
                                       "--project-dir", str(missing)])
    assert result.exit_code == 2 and "is not a dbt project" in result.output, result.output
    assert not missing.exists()
