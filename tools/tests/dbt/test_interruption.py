"""Interrupted and overlapping commands: a sync killed mid-batch loses nothing and its leftovers
go on the next run; a damaged raw file is one sentence; a command against a warehouse a build
holds is refused by name, and the build finishes as if alone (issue 13)."""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from tools.duckdb_file import tail_bytes
from tools.tests.conftest import AS_OF, E2E_SCALE, E2E_SEED, PROJECT_ROOT, Warehouse
from tools.tests.raw_helpers import checksums

pytestmark = pytest.mark.e2e

WEEK_LATER = (AS_OF + timedelta(days=7)).isoformat()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stderr.startswith("error: "), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    wh = Warehouse(tmp_path_factory.mktemp("landed"))
    result = wh.tools("generate-raw", "--scale", "0.01", "--seed", "5", "--as-of", AS_OF.isoformat(), "--quiet")
    assert result.returncode == 0, result.stderr
    return wh


def _copy(wh: Warehouse, root: Path) -> Warehouse:
    shutil.copytree(wh.root / "warehouse", root / "warehouse")
    return Warehouse(root)


def test_a_sync_killed_mid_batch_loses_nothing_and_its_growth_goes(landed: Warehouse, tmp_path: Path) -> None:
    killed = _copy(landed, tmp_path)
    before, size = checksums(killed.raw_path), killed.raw_path.stat().st_size
    sync = ["sync", "--seed", "9", "--as-of", WEEK_LATER, "--span-hours", "168", "--quiet"]

    process = subprocess.Popen([sys.executable, "-m", "tools.cli", *sync], cwd=PROJECT_ROOT, env=killed.env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while killed.raw_path.stat().st_size < size + 100_000_000 and process.poll() is None:
        assert time.monotonic() < deadline, "the sync never grew the raw file"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL, "the sync finished before it could be killed"

    grown = killed.raw_path.stat().st_size
    assert grown > size + 100_000_000
    assert checksums(killed.raw_path) == before  # all or nothing: nothing of the batch, nothing lost

    # the next command gives the tail back, in place ...
    ready = killed.tools("preflight")
    assert ready.returncode == 0 and "gave back" in ready.stdout, ready.stdout + ready.stderr
    trimmed = killed.raw_path.stat().st_size
    assert trimmed < size + (grown - size) / 2, (size, grown, trimmed)
    con = duckdb.connect(str(killed.raw_path), read_only=True)
    try:
        assert tail_bytes(con, killed.raw_path) == 0
    finally:
        con.close()
    assert checksums(killed.raw_path) == before

    # ... and the same sync, run again, lands on the data as it was (a sync is deterministic:
    # test_sync_is_deterministic), so it lands what it would have landed uninterrupted
    result = killed.tools(*sync)
    assert result.returncode == 0, result.stderr
    assert checksums(killed.raw_path) != before


def test_sync_gives_back_the_growth_itself(landed: Warehouse, tmp_path: Path) -> None:
    """Without a preflight in between: the next sync trims first, and says so."""
    padded, twin = _copy(landed, tmp_path / "padded"), _copy(landed, tmp_path / "twin")
    with padded.raw_path.open("ab") as raw:  # what a killed write leaves: blocks past the recorded ones
        raw.write(b"\0" * 50_000_000)
    sync = ["sync", "--seed", "9", "--as-of", (AS_OF + timedelta(days=1)).isoformat()]
    result = padded.tools(*sync)
    assert result.returncode == 0, result.stderr
    assert "MB an interrupted write left in" in result.stdout, result.stdout
    assert twin.tools(*sync).returncode == 0
    assert checksums(padded.raw_path) == checksums(twin.raw_path)
    assert padded.raw_path.stat().st_size <= twin.raw_path.stat().st_size  # the 50 MB are gone


def test_generate_raw_killed_mid_way_keeps_the_old_data_and_the_next_run_clears_its_leftovers(
        landed: Warehouse, tmp_path: Path) -> None:
    wh = _copy(landed, tmp_path)
    before = checksums(wh.raw_path)
    building = wh.raw_path.with_name(wh.raw_path.name + ".building")
    process = subprocess.Popen([sys.executable, "-m", "tools.cli", "generate-raw", "--scale", "0.05", "--seed", "6",
                                "--as-of", AS_OF.isoformat(), "--quiet"], cwd=PROJECT_ROOT, env=wh.env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (building.exists() and building.stat().st_size > 5_000_000) and process.poll() is None:
        assert time.monotonic() < deadline, "generate-raw never wrote its building file"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL, "generate-raw finished before it could be killed"
    assert building.exists() and checksums(wh.raw_path) == before  # the old data, whole

    again = wh.tools("generate-raw", "--scale", "0.001", "--seed", "6", "--as-of", AS_OF.isoformat(), "--quiet")
    assert again.returncode == 0, again.stderr
    assert not list(wh.raw_path.parent.glob("*.building*"))


def test_what_an_interrupted_command_can_leave_is_git_ignored() -> None:
    """kill -9 leaves what no cleanup can remove at once: each is ignored, wherever it lands."""
    if not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    leftovers = ["models/staging/salesforce/.stg_salesforce__account.sql.k2j4x9.tmp",  # fsio.atomic_write
                 "models/staging/salesforce/._salesforce__sources.yml.a1b2c3.tmp",
                 "elsewhere/analytics_raw.duckdb.building", "elsewhere/analytics_raw.duckdb.building.wal",
                 ".warehouse/tmp/duckdb_temp_storage-0.tmp"]
    result = subprocess.run(["git", "check-ignore", "--no-index", *leftovers], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, check=False)
    assert sorted(result.stdout.split()) == sorted(leftovers), result.stdout + result.stderr


@pytest.mark.parametrize("cut", ["half", "header"])
def test_sync_on_a_truncated_raw_file_is_one_sentence_and_changes_nothing(landed: Warehouse, tmp_path: Path,
                                                                          cut: str) -> None:
    wh = _copy(landed, tmp_path)
    data = wh.raw_path.read_bytes()
    wh.raw_path.write_bytes(data[: len(data) // 2] if cut == "half" else data[:100])
    before = _digest(wh.raw_path)
    error = _one_error_line(wh.tools("sync", "--seed", "9", "--as-of", WEEK_LATER))
    assert str(wh.raw_path) in error and ("is truncated" in error or "is damaged" in error), error
    assert "make build" in error
    assert _digest(wh.raw_path) == before
    assert _one_error_line(wh.tools("preflight")) and _digest(wh.raw_path) == before


def test_commands_against_a_warehouse_a_build_holds_are_refused_by_name(tmp_path: Path) -> None:
    """Two builds, a sync during a build, generate-raw during a build: each second command names
    the build's process and changes nothing; the build finishes as if it had been alone."""
    wh = Warehouse(tmp_path)
    dbt = Path(sys.executable).with_name("dbt")

    def bare_dbt_build(target: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(dbt), "build", "--target-path", str(tmp_path / target), "--log-path",
                               str(tmp_path / "logs")], cwd=PROJECT_ROOT, env=wh.env, capture_output=True,
                              text=True, check=False)

    # a bare `dbt build` before there is raw data: the profile's preflight plugin says what to do
    (tmp_path / "warehouse").mkdir()
    early = bare_dbt_build("second-target")
    assert early.returncode == 2 and "Traceback" not in early.stdout + early.stderr, early.stdout[-2000:]
    assert f"no raw data at {wh.raw_path}: run `tools generate-raw` first" in early.stdout, early.stdout[-2000:]

    result = wh.tools("generate-raw", "--scale", str(E2E_SCALE), "--seed", str(E2E_SEED), "--as-of",
                      AS_OF.isoformat(), "--quiet")
    assert result.returncode == 0, result.stderr
    raw_before = _digest(wh.raw_path)
    build = subprocess.Popen([str(dbt), "build", "--target-path", str(tmp_path / "target"), "--log-path",
                              str(tmp_path / "logs")], cwd=PROJECT_ROOT, env=wh.env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    try:
        assert build.stdout is not None
        for line in build.stdout:  # the first node starts once dbt holds both files
            if " START " in line:
                break
        # paused, the build holds its files for as long as the other commands take, however fast
        # the machine; it resumes below and must finish as if it had been alone
        build.send_signal(signal.SIGSTOP)
        holder = f"is in use by process {build.pid}"

        # a second build, as `make dbt-build` runs it: preflight first
        second = _one_error_line(wh.tools("preflight"))
        assert f"{wh.analytics_path} {holder}" in second or f"{wh.raw_path} {holder}" in second, second

        # and a bare `dbt build`: the plugin, before dbt opens anything
        second_dbt = bare_dbt_build("second-target")
        assert second_dbt.returncode == 2 and "Traceback" not in second_dbt.stdout + second_dbt.stderr
        assert holder in second_dbt.stdout, second_dbt.stdout[-2000:]

        synced = _one_error_line(wh.tools("sync", "--seed", "9", "--as-of", WEEK_LATER))
        assert f"{wh.raw_path} {holder}" in synced, synced

        generated = _one_error_line(wh.tools("generate-raw", "--scale", "0.001", "--seed", "1", "--as-of",
                                             AS_OF.isoformat(), "--quiet"))
        assert f"{wh.raw_path} {holder}" in generated, generated
        assert _digest(wh.raw_path) == raw_before
        assert not list((tmp_path / "warehouse").glob("*.building*"))

        build.send_signal(signal.SIGCONT)
        rest = build.stdout.read()
    finally:
        build.send_signal(signal.SIGCONT)
        build.stdout and build.stdout.close()
        returncode = build.wait()
    assert returncode == 0, rest[-3000:]
    assert "ERROR=0" in rest and "WARN=0" in rest, rest[-1500:]
    assert _digest(wh.raw_path) == raw_before


def test_make_dbt_build_runs_the_preflight_first() -> None:
    """The README's build goes through the preflight, so a second build meets its sentence."""
    result = subprocess.run(["make", "-n", "dbt-build"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            check=True)
    commands = [line for line in result.stdout.splitlines() if "tools preflight" in line or "dbt build" in line]
    # the preflight, then dbt build (through the heartbeat that keeps a first parse from being silent)
    assert len(commands) == 2, result.stdout
    assert commands[0].endswith("/tools preflight") and commands[1].endswith("/dbt build"), commands
