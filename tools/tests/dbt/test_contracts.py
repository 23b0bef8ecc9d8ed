"""The marts Sigma reads are under contract (docs/governance.md): a column retyped upstream fails
the build at the table under the certified view, so neither changes and Sigma keeps reading the
shape it knows."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools.tests.conftest import PROJECT_ROOT, Warehouse

pytestmark = pytest.mark.e2e

PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml")
PROJECT_FOLDERS = ("models", "macros", "seeds", "snapshots", "tests", "analyses", "docs")


def project_copy(root: Path) -> Path:
    copy = root / "project"
    copy.mkdir()
    for name in PROJECT_FILES:
        shutil.copy(PROJECT_ROOT / name, copy / name)
    for name in PROJECT_FOLDERS:
        shutil.copytree(PROJECT_ROOT / name, copy / name)
    return copy


def test_a_column_retyped_upstream_fails_before_sigma_sees_it(built: Warehouse, tmp_path: Path) -> None:
    wh = built.copy(tmp_path / "wh")
    project = project_copy(tmp_path)
    model = project / "models" / "marts" / "operations" / "fct_technician_performance.sql"
    text = model.read_text()
    assert "        daily.shift_minutes,\n" in text
    model.write_text(text.replace("        daily.shift_minutes,\n",
                                  "        cast(daily.shift_minutes as varchar) as shift_minutes,\n"))
    rows_before = wh.query("select count(*), sum(shift_minutes) from main_operations.v_fct_technician_performance_rls")
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run([str(dbt), "run", "--select", "fct_technician_performance+", "--target-path",
                             str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
                            cwd=project, env={**wh.env, "DBT_PROJECT_DIR": str(project)},
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "This model has an enforced contract that failed" in result.stdout
    assert "| shift_minutes | VARCHAR         | INTEGER       | data type mismatch |" in result.stdout
    assert "ERROR creating sql table model main_operations.fct_technician_performance" in result.stdout
    # the table was refused, so its view was skipped: both keep the type and the rows Sigma knows
    assert "SKIP relation main_operations.v_fct_technician_performance_rls" in result.stdout
    for relation in ("fct_technician_performance", "v_fct_technician_performance_rls"):
        assert wh.query("select data_type from information_schema.columns where table_name = "
                        f"'{relation}' and column_name = 'shift_minutes'") == [("INTEGER",)], relation
    wh_rows = wh.query("select count(*), sum(shift_minutes) from main_operations.v_fct_technician_performance_rls")
    assert wh_rows == rows_before


def test_every_table_under_a_certified_view_is_under_the_same_contract(built: Warehouse) -> None:
    """The types are written twice, on the table and on the view Sigma reads (dbt has no shared
    contract): they must be the same columns and types, or the view's contract means nothing."""
    import json

    manifest = json.loads((built.root / "target" / "manifest.json").read_text())
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    views = {name: n["config"]["meta"]["rls_view_of"] for name, n in models.items()
             if n["config"]["meta"].get("rls_view_of")}
    assert len(views) == 8
    for view, table in views.items():
        assert models[table]["contract"]["enforced"] is True, table

        def typed(name: str) -> list[tuple[str, str]]:
            return [(c, col.get("data_type")) for c, col in models[name]["columns"].items()]

        assert typed(table) == typed(view), (table, view)


def test_every_certified_model_is_public_and_enforced_on_the_local_target(built: Warehouse) -> None:
    import json

    manifest = json.loads((built.root / "target" / "manifest.json").read_text())
    certified = [n for n in manifest["nodes"].values()
                 if n["resource_type"] == "model" and n["config"]["meta"].get("certified")]
    assert len(certified) == 15
    for node in certified:
        assert node["access"] == "public", node["name"]
        assert node["contract"]["enforced"] is True, node["name"]
        assert node["group"] and node["tags"], node["name"]
        assert all(column.get("data_type") for column in node["columns"].values()), node["name"]
    core = sorted(n["config"]["meta"]["sigma_dataset"] for n in certified if n["config"]["meta"].get("core_dataset"))
    assert core == ["Customers", "Jobs", "Revenue", "Technician Performance", "Technicians"]
    groups = {g["name"]: g["owner"]["email"] for g in manifest["groups"].values()}
    assert groups["finance"] == "finance-analytics@fieldforce.com"
    finance = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model" and "finance" in n["tags"]}
    assert finance == {"fct_revenue", "fct_revenue_targets", "v_fct_revenue_rls"}
