"""`tools` works on the project the user stands in, as dbt does, never on the checkout it was
installed from: a copy or a git worktree run with this checkout's `tools` writes into itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tools.cli import main
from tools.tests.conftest import PROJECT_ROOT
from tools.tests.scaffold_helpers import CONTACT_COLUMNS, SCHEMA_JSON, make_project

# Every command that reads or writes the project's files, with arguments that get it that far.
PROJECT_COMMANDS = {
    "generate-raw": ["generate-raw", "--scale", "0.0005", "--quiet"],
    "sync": ["sync", "--seed", "1"],
    "preflight": ["preflight"],
    "check": ["check"],
    "scaffold-source": ["scaffold-source", "salesforce", "--fivetran-schema", str(SCHEMA_JSON), "--no-warehouse"],
    "alert": ["alert", "--sources", "sources.json", "--dry-run"],
    "platform-sql": ["platform-sql"],
    "snowflake-dry-run": ["snowflake-dry-run", "compile", "--target", "prod"],
}


@pytest.fixture()
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project somewhere else, with no warehouse setting: the defaults decide."""
    monkeypatch.delenv("FIELDFORCE_WAREHOUSE_DIR", raising=False)
    monkeypatch.delenv("DBT_PROJECT_DIR", raising=False)
    monkeypatch.delenv("DBT_TARGET", raising=False)
    return make_project(tmp_path)


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def test_generate_raw_in_a_copy_writes_the_copys_warehouse(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ours = PROJECT_ROOT / ".warehouse" / "analytics_raw.duckdb"
    before = ours.stat().st_mtime_ns if ours.exists() else None
    monkeypatch.chdir(copy / "models")  # from a folder inside the project, as dbt allows
    result = invoke("generate-raw", "--scale", "0.0005", "--seed", "1", "--as-of", "2026-11-20T12:00:00", "--quiet")
    assert result.exit_code == 0, result.output
    assert (copy / ".warehouse" / "analytics_raw.duckdb").stat().st_size > 0
    assert (ours.stat().st_mtime_ns if ours.exists() else None) == before
    # and the next sync lands on that copy's raw data
    synced = invoke("sync", "--seed", "2", "--as-of", "2026-11-21T12:00:00", "--quiet")
    assert synced.exit_code == 0, synced.output
    assert (ours.stat().st_mtime_ns if ours.exists() else None) == before


def test_preflight_names_the_warehouse_of_the_project_it_stands_in(copy: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(copy)
    result = invoke("preflight")
    assert result.exit_code == 1
    assert f"no raw data at {copy.resolve() / '.warehouse' / 'analytics_raw.duckdb'}" in result.output


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_scaffold_source_in_a_copy_writes_into_the_copy(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ours = _files(PROJECT_ROOT / "models" / "staging")
    monkeypatch.chdir(copy / "models")
    result = invoke("scaffold-source", "salesforce", "--fivetran-schema", str(SCHEMA_JSON),
                    "--table-columns", f"Contact={CONTACT_COLUMNS}", "--no-warehouse")
    assert result.exit_code == 0, result.output
    assert (copy / "models" / "staging" / "salesforce" / "_salesforce__sources.yml").is_file()
    assert _files(PROJECT_ROOT / "models" / "staging") == ours


def test_project_dir_and_dbt_project_dir_choose_the_project(copy: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    expected = f"no raw data at {copy.resolve() / '.warehouse' / 'analytics_raw.duckdb'}"
    assert expected in invoke("preflight", "--project-dir", str(copy)).output
    assert expected in invoke("preflight", env={"DBT_PROJECT_DIR": str(copy)}).output
    # the option wins over the variable, as in dbt
    (tmp_path / "other").mkdir()
    other = make_project(tmp_path / "other")
    chosen = invoke("preflight", "--project-dir", str(other), env={"DBT_PROJECT_DIR": str(copy)})
    assert f"no raw data at {other.resolve() / '.warehouse'}" in chosen.output


@pytest.mark.parametrize("command", sorted(PROJECT_COMMANDS))
def test_outside_any_project_every_command_says_where_it_looked(command: str, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    nowhere = tmp_path / "nowhere"
    nowhere.mkdir()
    (nowhere / "sources.json").write_text("{}")
    monkeypatch.chdir(nowhere)
    monkeypatch.delenv("DBT_PROJECT_DIR", raising=False)
    result = invoke(*PROJECT_COMMANDS[command])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (f"error: no dbt_project.yml in {nowhere.resolve()} or any folder above it: "
                                     "run tools inside the dbt project, or pass --project-dir")
    assert sorted(p.name for p in nowhere.iterdir()) == ["sources.json"]


@pytest.mark.parametrize("command", sorted(PROJECT_COMMANDS))
def test_a_project_dir_that_is_no_project_is_refused(command: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT_ROOT)
    (tmp_path / "sources.json").write_text("{}")
    result = invoke(*PROJECT_COMMANDS[command], "--project-dir", str(tmp_path / "not-a-project"))
    assert result.exit_code == 2, result.output
    assert "not-a-project is not a dbt project (no dbt_project.yml in it)" in result.output
    assert not (tmp_path / "not-a-project").exists()


def test_outputs_go_to_the_project_not_the_folder_the_command_runs_in(copy: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from models/, the dry run's compiled files would be read as models by the next dbt
    parse, and a second alert ledger would page again for what the first has open."""
    import shutil

    import tools.alerts.run
    import tools.snowflake_offline

    shutil.copytree(PROJECT_ROOT / "ops", copy / "ops")
    seen: dict[str, object] = {}

    def fake_offline(dbt_args, *, workdir, existing=False, project_dir=None):
        seen["workdir"], seen["project_dir"] = workdir, project_dir
        return tools.snowflake_offline.OfflineRun(success=True, statements=[], error="", compiled={}, output="",
                                                  compiled_manifest="")

    def fake_alerts(run_results, sources, environment, policy, ledger, undelivered, dry_run, endpoints, echo):
        seen["ledger"], seen["undelivered"] = ledger, undelivered
        return 0

    monkeypatch.setattr(tools.snowflake_offline, "run_offline", fake_offline)
    monkeypatch.setattr(tools.alerts.run, "run_alerts", fake_alerts)
    monkeypatch.chdir(copy / "models")
    (copy / "models" / "sources.json").write_text("{}")
    assert invoke("snowflake-dry-run", "compile", "--target", "prod").exit_code == 0
    assert invoke("alert", "--sources", "sources.json", "--environment", "prod").exit_code == 0
    root = copy.resolve()
    assert seen == {"workdir": root / "target" / "snowflake_dry_run", "project_dir": root,
                    "ledger": root / ".alerts" / "ledger-prod.json", "undelivered": root / ".alerts" / "undelivered.jsonl"}
