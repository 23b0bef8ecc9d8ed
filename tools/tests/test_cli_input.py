"""Bad input to the raw-data and platform commands: one message naming the problem, a non-zero
exit, no traceback, and nothing written (issue 13). Every case is refused before any work."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from tools.cli import main


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(root.rglob("*"))}


BAD_GENERATE = [
    (["--scale", "nan"], "--scale", "finite"),
    (["--scale", "inf"], "--scale", "finite"),
    (["--scale", "-inf"], "--scale", "finite"),
    (["--scale", "0"], "--scale", "greater than 0"),
    (["--scale", "ten"], "--scale", "not a valid float"),
    (["--scale", "1e12"], "needs about", "GB is free"),
    (["--seed", "99999999999999999999"], "--seed", "range"),
    (["--seed", "-1"], "--seed", "range"),
    (["--as-of", "0001-01-01"], "--as-of", "outside 2000 to 2099"),
    (["--as-of", "9999-12-31"], "--as-of", "outside 2000 to 2099"),
    (["--as-of", "2026-02-30"], "--as-of", "not an ISO timestamp"),
    (["--as-of", "'; drop table x; --"], "--as-of", "not an ISO timestamp"),
    (["--gps-days", "0"], "--gps-days", "range"),
]


@pytest.mark.parametrize(("args", "names", "reason"), BAD_GENERATE, ids=[" ".join(a) for a, _, _ in BAD_GENERATE])
def test_generate_raw_refuses_bad_arguments_before_any_work(tmp_path: Path, args: list[str], names: str,
                                                            reason: str) -> None:
    warehouse = tmp_path / "warehouse"
    result = CliRunner().invoke(main, ["generate-raw", "--quiet", *args],
                                env={"FIELDFORCE_WAREHOUSE_DIR": str(warehouse)})
    assert result.exit_code in (1, 2), result.output
    assert names in result.output and reason in result.output, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, (OSError, OverflowError, ValueError))
    assert not warehouse.exists()  # not even the folder


@pytest.mark.parametrize("where", ["file", "proc"])
def test_a_warehouse_folder_that_cannot_be_one_is_named(tmp_path: Path, where: str) -> None:
    if where == "file":
        target = tmp_path / "a_file"
        target.write_text("x", encoding="utf-8")
    else:
        target = Path("/proc/fieldforce_warehouse")
    result = CliRunner().invoke(main, ["generate-raw", "--quiet", "--scale", "0.001"],
                                env={"FIELDFORCE_WAREHOUSE_DIR": str(target)})
    assert result.exit_code == 1
    assert str(target) in result.output and result.output.startswith("error: ")
    assert len(result.output.strip().splitlines()) == 1, result.output


@pytest.mark.parametrize(("args", "names"), [
    (["--seed", "1", "--span-hours", "nan"], "--span-hours"),
    (["--seed", "1", "--span-hours", "inf"], "--span-hours"),
    (["--seed", "1", "--span-hours", "0"], "--span-hours"),
    (["--seed", "1", "--as-of", "9999-12-31"], "--as-of"),
    (["--seed", "18446744073709551616"], "--seed"),
])
def test_sync_refuses_bad_arguments_before_any_work(tmp_path: Path, args: list[str], names: str) -> None:
    result = CliRunner().invoke(main, ["sync", "--quiet", *args], env={"FIELDFORCE_WAREHOUSE_DIR": str(tmp_path)})
    assert result.exit_code == 2 and names in result.output, result.output
    assert _tree(tmp_path) == {}


def test_platform_sql_to_a_missing_folder_a_folder_or_a_full_device(tmp_path: Path) -> None:
    before = _tree(tmp_path)
    for target, reason, code in ((tmp_path / "missing" / "platform.sql", "does not exist", 1),
                                 (tmp_path, "is a directory", 2)):
        result = CliRunner().invoke(main, ["platform-sql", "-o", str(target)])
        assert result.exit_code == code and reason in result.output, result.output
        assert "Traceback" not in result.output
    assert _tree(tmp_path) == before
    full = Path("/dev/full")
    if full.exists() and not full.is_file():
        result = CliRunner().invoke(main, ["platform-sql", "-o", str(full)])
        assert result.exit_code == 1 and "No space left on device" in result.output, result.output
        assert not full.is_file()  # written to, never replaced by a file


def test_atomic_write_never_replaces_what_is_not_a_regular_file(tmp_path: Path) -> None:
    import os

    from tools.errors import ToolError
    from tools.fsio import atomic_write

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ToolError, match="not a regular file"):
        atomic_write(fifo, "text")
    assert not fifo.is_file() and fifo.exists()
