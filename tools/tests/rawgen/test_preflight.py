"""`tools preflight` (run by `make dbt-build`): the local warehouse's problems in one sentence."""

from __future__ import annotations

from pathlib import Path

import duckdb
from click.testing import CliRunner

from tools.cli import main
from tools.tests.conftest import held_open


def _preflight(folder: Path):
    return CliRunner().invoke(main, ["preflight"], env={"FIELDFORCE_WAREHOUSE_DIR": str(folder)})


def _database(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("create table t as select 1 as x")
    con.close()


def test_no_raw_data_says_to_generate_it(tmp_path: Path) -> None:
    result = _preflight(tmp_path / "warehouse")
    assert result.exit_code == 1
    assert result.output.strip() == (f"error: no raw data at {tmp_path / 'warehouse' / 'analytics_raw.duckdb'}: "
                                     "run `tools generate-raw` first (or `make build`, which does)")
    assert not (tmp_path / "warehouse").exists()


def test_a_ready_warehouse_and_a_damaged_raw_file(tmp_path: Path) -> None:
    _database(tmp_path / "analytics_raw.duckdb")
    assert _preflight(tmp_path).exit_code == 0
    raw = tmp_path / "analytics_raw.duckdb"
    raw.write_bytes(raw.read_bytes()[:5000])  # truncated
    result = _preflight(tmp_path)
    assert result.exit_code == 1 and str(raw) in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_a_file_another_process_holds_names_the_process(tmp_path: Path) -> None:
    _database(tmp_path / "analytics_raw.duckdb")
    analytics = tmp_path / "analytics.duckdb"
    _database(analytics)
    with held_open(analytics) as holder:
        result = _preflight(tmp_path)
        assert result.exit_code == 1, result.output
        assert f"{analytics} is in use by process {holder.pid}" in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert _preflight(tmp_path).exit_code == 0


def test_a_file_where_the_folder_should_be(tmp_path: Path) -> None:
    in_the_way = tmp_path / "warehouse"
    in_the_way.write_text("x", encoding="utf-8")
    result = _preflight(in_the_way)
    assert result.exit_code == 1 and "no raw data" in result.output


def test_generate_raw_over_a_raw_file_in_use_names_the_process(tmp_path: Path) -> None:
    """The same lock message from the one place that reads it (tools.duckdb_file.lock_holder)."""
    raw = tmp_path / "analytics_raw.duckdb"
    _database(raw)
    before = raw.read_bytes()
    with held_open(raw) as holder:
        result = CliRunner().invoke(main, ["generate-raw", "--quiet", "--scale", "0.001", "--as-of",
                                           "2026-11-20T12:00:00"], env={"FIELDFORCE_WAREHOUSE_DIR": str(tmp_path)})
        assert result.exit_code == 1, result.output
        assert f"{raw} is in use by process {holder.pid}" in result.output
    assert raw.read_bytes() == before
    assert not list(tmp_path.glob("*.building*"))
