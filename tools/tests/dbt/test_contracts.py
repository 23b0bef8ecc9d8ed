"""The marts Sigma reads are under contract (docs/governance.md): a column retyped upstream fails
the build at the certified view, which keeps the shape Sigma knows."""

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


def test_a_column_retyped_upstream_fails_at_the_certified_view(built: Warehouse, tmp_path: Path) -> None:
    wh = built.copy(tmp_path / "wh")
    project = project_copy(tmp_path)
    model = project / "models" / "marts" / "operations" / "fct_technician_performance.sql"
    text = model.read_text()
    assert "        daily.shift_minutes,\n" in text
    model.write_text(text.replace("        daily.shift_minutes,\n",
                                  "        cast(daily.shift_minutes as varchar) as shift_minutes,\n"))
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run([str(dbt), "run", "--select", "fct_technician_performance+", "--target-path",
                             str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
                            cwd=project, env=wh.env, capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "v_fct_technician_performance_rls" in result.stdout
    assert "This model has an enforced contract that failed" in result.stdout
    assert "| shift_minutes | VARCHAR         | INTEGER       | data type mismatch |" in result.stdout
    # the table changed; the view Sigma reads did not
    assert wh.query("select data_type from information_schema.columns where table_name = "
                    "'v_fct_technician_performance_rls' and column_name = 'shift_minutes'") == [("INTEGER",)]


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
