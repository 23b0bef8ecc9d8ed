"""`tools check` on the command line: exit codes, output formats, opt-outs, PATHS and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tools.cli import main
from tools.tests.check_fixture import CORE, GOOD_PROJECT, STG, edit, write_project


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project", GOOD_PROJECT)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", *args])
    return result.exit_code, result.output


def break_mart_bypass(root: Path) -> None:
    edit(root, f"{CORE}/fct_jobs.sql", "{{ ref('int_jobs_enriched') }}", "{{ ref('stg_postgres__jobs') }}")


def test_clean_project_exits_0(good: Path) -> None:
    code, output = run("--project-dir", str(good))
    assert code == 0, output
    assert "no findings" in output
    assert "6 models, 3 source tables" in output


def test_findings_exit_1_with_file_line_and_code(good: Path) -> None:
    break_mart_bypass(good)
    code, output = run("--project-dir", str(good))
    assert code == 1
    assert f"{CORE}/fct_jobs.sql:7: LAY003 fct_jobs refs staging model stg_postgres__jobs" in output
    assert "1 finding(s) in 1 file(s) (LAY003 x1)" in output


def test_json_format(good: Path) -> None:
    break_mart_bypass(good)
    code, output = run("--project-dir", str(good), "--format", "json")
    assert code == 1
    data = json.loads(output)
    assert data["summary"]["findings"] == 1
    assert data["findings"][0] == {
        "code": "LAY003",
        "rule": "mart-bypasses-intermediate",
        "path": f"{CORE}/fct_jobs.sql",
        "line": 7,
        "message": data["findings"][0]["message"],
    }


def test_paths_limit_the_report(good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    break_mart_bypass(good)
    monkeypatch.chdir(good)
    assert run("models/staging")[0] == 0
    assert run("models/marts")[0] == 1
    assert run(f"{CORE}/fct_jobs.sql")[0] == 1
    assert run()[0] == 1  # project found from the working directory


def test_invalid_yaml_exits_2_with_file_and_line(good: Path) -> None:
    edit(good, f"{STG}/_postgres__models.yml", "    description: One row per customer.\n",
         "    description: One row per customer.\n   columns: [oops\n")
    code, output = run("--project-dir", str(good))
    assert code == 2
    assert f"error: {STG}/_postgres__models.yml:" in output
    line = int(output.split(f"{STG}/_postgres__models.yml:")[1].split(":")[0])
    assert 17 <= line <= 21


def test_duplicate_yaml_key_exits_2(good: Path) -> None:
    edit(good, f"{STG}/_postgres__models.yml", "    description: One row per customer.\n",
         "    description: One row per customer.\n    description: Again.\n")
    code, output = run("--project-dir", str(good))
    assert code == 2
    assert f"{STG}/_postgres__models.yml:20: duplicate key 'description'" in output


def test_unknown_disabled_code_is_a_usage_error(good: Path) -> None:
    (good / "pyproject.toml").write_text('[tool.fieldforce.check]\ndisable = ["XYZ999"]\n', encoding="utf-8")
    code, output = run("--project-dir", str(good))
    assert code == 2
    assert "unknown rule code(s) in disable: XYZ999" in output


def test_no_project_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = run()
    assert code == 2
    assert "no dbt_project.yml" in output


def test_missing_path_is_a_usage_error(good: Path) -> None:
    code, _ = run("--project-dir", str(good), str(good / "models" / "nope.sql"))
    assert code == 2


def test_check_skip_in_model_meta(good: Path) -> None:
    break_mart_bypass(good)
    edit(good, f"{CORE}/_core__models.yml", "    meta:\n      certified: true\n",
         "    meta:\n      certified: true\n      check_skip: [LAY003]\n")
    assert run("--project-dir", str(good))[0] == 0


def test_check_skip_under_config_meta(good: Path) -> None:
    edit(good, f"{CORE}/_core__models.yml", "        description: Notes on the job.\n", "")
    assert run("--project-dir", str(good))[0] == 1
    edit(good, f"{CORE}/_core__models.yml", "    config:\n      materialized: incremental\n",
         "    config:\n      materialized: incremental\n      meta:\n        check_skip: [COV006]\n")
    assert run("--project-dir", str(good))[0] == 0


def test_check_skip_on_a_source_table(good: Path) -> None:
    edit(good, f"{STG}/_postgres__sources.yml", "        description: Customers of the jobs database.\n",
         "        meta: {check_skip: [COV004]}\n")
    assert run("--project-dir", str(good))[0] == 0


def test_project_wide_disable_by_family_and_by_dbt_var(good: Path) -> None:
    break_mart_bypass(good)
    (good / "pyproject.toml").write_text('[tool.fieldforce.check]\ndisable = ["LAY"]\n', encoding="utf-8")
    assert run("--project-dir", str(good))[0] == 0
    (good / "pyproject.toml").unlink()
    edit(good, "dbt_project.yml", "vars:\n", "vars:\n  fieldforce_check_disable: [LAY003]\n")
    assert run("--project-dir", str(good))[0] == 0


def test_configurable_prefixes_and_materializations(good: Path) -> None:
    (good / f"{CORE}/v_jobs_rls.sql").write_text("select * from {{ ref('fct_jobs') }}\n", encoding="utf-8")
    edit(good, f"{CORE}/v_jobs_rls.sql", "select", "{{ config(materialized='view') }}\nselect")
    with (good / f"{CORE}/_core__models.yml").open("a", encoding="utf-8") as handle:
        handle.write("  - name: v_jobs_rls\n    description: Secure view.\n    columns:\n"
                     "      - name: job_id\n        description: Key.\n        data_tests: [unique, not_null]\n")
    code, output = run("--project-dir", str(good), "--format", "json")
    assert {f["code"] for f in json.loads(output)["findings"]} == {"NAM001", "GOV002"}
    (good / "pyproject.toml").write_text(
        '[tool.fieldforce.check.prefixes]\nmarts = ["dim_", "fct_", "rpt_", "v_"]\n'
        '[tool.fieldforce.check.materializations]\n"marts/v_" = ["view"]\n', encoding="utf-8")
    assert run("--project-dir", str(good))[0] == 0


def test_list_rules() -> None:
    code, output = run("--list-rules")
    assert code == 0
    assert "LAY003  mart-bypasses-intermediate" in output


def test_check_imports_no_dbt_and_no_ruamel(good: Path) -> None:
    """The check path stays light: a fresh interpreter runs it without importing dbt."""
    import subprocess
    import sys

    code = ("import sys; from tools.check.runner import run_check; "
            f"result = run_check(__import__('pathlib').Path({str(good)!r})); "
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('dbt', 'ruamel', 'sqlfluff', 'duckdb')); "
            "print(len(result.findings), heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0 []"


@pytest.mark.parametrize(("text", "problem"), [
    ("version: 2\nmodels: 5\n", "`models:` must be a list of entries, not a number"),
    ("version: 2\nmodels:\n  - just_a_name\n", "each entry of `models:` is a mapping with a `name`, not a string"),
    ("version: 2\nmodels:\n  - description: no name\n", "each entry of `models:` is a mapping with a `name`"),
    ("version: 2\nmodels:\n  - name: m\n    columns: {a: 1}\n", "m: `columns:` must be a list, not a mapping"),
    ("version: 2\nmodels:\n  - name: m\n    config: [1]\n", "m: `config:` must be a mapping, not a list"),
    ("version: 2\nmodels:\n  - name: m\n    columns:\n      - 7\n", "m: each entry of `columns:` is a mapping"),
    ("version: 2\nsources:\n  - name: s\n    tables: {a: 1}\n", "s: `tables:` must be a list, not a mapping"),
    ("version: 2\nsources:\n  - name: s\n    freshness: 5\n", "s: `freshness:` must be a mapping, not a number"),
    ("version: 2\nsources:\n  - name: s\n    tables:\n      - name: t\n        freshness: 5\n",
     "s.t: `freshness:` must be a mapping, not a number"),
    ("version: 2\nexposures: yes\n", "`exposures:` must be a list of entries, not a boolean"),
])
def test_yaml_of_the_wrong_shape_exits_2_naming_the_problem(good: Path, text: str, problem: str) -> None:
    """dbt rejects these when it parses; so does the check, instead of "no findings"."""
    (good / STG / "_postgres__extra.yml").write_text(text, encoding="utf-8")
    code, output = run("--project-dir", str(good))
    assert code == 2, output
    assert f"error: {STG}/_postgres__extra.yml:" in output and problem in output, output
    assert len(output.strip().splitlines()) == 1


def test_a_yaml_symlink_to_a_device_or_a_huge_file_is_refused_quickly(good: Path) -> None:
    link = good / STG / "_postgres__zero.yml"
    link.symlink_to("/dev/zero")
    code, output = run("--project-dir", str(good))
    assert code == 2 and "is not a regular file" in output, output
    link.unlink()
    huge = good / STG / "_postgres__huge.yml"
    with huge.open("w", encoding="utf-8") as handle:
        handle.write("version: 2\nmodels:\n")
        line = "  - name: m{}\n    description: " + "x" * 200 + "\n"
        for i in range(25_000):
            handle.write(line.format(i))
    code, output = run("--project-dir", str(good))
    assert code == 2 and "a properties file over 5 MB is not one" in output, output
