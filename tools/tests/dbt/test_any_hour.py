"""Freshness at any hour: the GPS stream is quiet at night by design (vans park), and its age
counts only the hours in which pings are expected to land (macros/freshness/,
docs/freshness.md). The clock of every process is set with libfaketime, so these tests read the
real clock path (the generator's default `--as-of`, DuckDB's `now()`) at the hours they choose,
whatever hour the suite runs at."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.rawgen.telematics import SHIFT_SECONDS, SHIFT_START_HOUR_UTC
from tools.tests.conftest import Warehouse
from tools.tests.freshness_helpers import active_seconds, project_active_hours

pytestmark = pytest.mark.e2e

# Active windows to check the clock on: the project's, one within a day, and the edges.
WINDOWS = ((13, 1), (6, 22), (0, 23), (23, 0))


@pytest.fixture(scope="module")
def clocked(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """One warehouse and one dbt target for the module, so that dbt parses the project once."""
    wh = Warehouse(tmp_path_factory.mktemp("any-hour"))
    wh.raw_path.parent.mkdir(parents=True)
    duckdb.connect(str(wh.raw_path)).close()  # enough for dbt to compile
    return wh


@pytest.fixture(scope="module")
def clock_sql(clocked: Warehouse) -> str:
    """`active_seconds_since_epoch` compiled for DuckDB, one column per window, over column `t`."""
    columns = ", ".join(f"{{{{ active_seconds_since_epoch('t', {s}, {e}) }}}} as w{i}"
                        for i, (s, e) in enumerate(WINDOWS))
    result = clocked.dbt("compile", "--quiet", "--output", "json", "--inline", f"select {columns} from clock")
    return json.loads(result.stdout[result.stdout.index("{"):])["compiled"]


@pytest.fixture(scope="module")
def clock_table() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    con.execute("create table clock (reading int, t timestamptz)")
    yield con
    con.close()


moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31),
                       timezones=st.just(timezone.utc)).map(lambda d: d.replace(microsecond=0))


@settings(max_examples=200, deadline=None)
@given(since=moments, until=moments)
def test_the_active_clock_counts_only_active_hours(clock_sql: str, clock_table: duckdb.DuckDBPyConnection,
                                                  since: datetime, until: datetime) -> None:
    since, until = min(since, until), max(since, until)
    clock_table.execute("delete from clock")
    clock_table.execute("insert into clock values (0, ?), (1, ?)", [since, until])
    readings = clock_table.execute(f"select * from ({clock_sql.replace('from clock', 'from clock order by reading')})"
                                   ).fetchall()
    for column, (start, end) in enumerate(WINDOWS):
        assert readings[1][column] - readings[0][column] == active_seconds(since, until, start, end), (start, end)


def test_the_active_hours_cover_every_sync_of_the_generated_shift() -> None:
    """The project's window and the generator's shift agree: pings land from the first hourly
    sync after the shift starts to the last one after it ends (tools/rawgen/telematics.py)."""
    start, end = project_active_hours()
    assert start == (SHIFT_START_HOUR_UTC + 1) % 24
    assert end == (SHIFT_START_HOUR_UTC + SHIFT_SECONDS // 3600 + 1) % 24


def test_malformed_active_hours_are_one_compile_error(clocked: Warehouse) -> None:
    result = clocked.dbt("compile", "--quiet", "--inline",
                           "{{ loaded_at_in_active_hours('_fivetran_synced', {'start': 5, 'end': 5}) }}", check=False)
    assert result.returncode != 0
    assert "active_hours must be {start: H, end: H} with two different whole UTC hours" in result.stdout


def land_raw_at(wh: Warehouse, at: datetime) -> None:
    """Raw data generated with the clock at `at` (the generator's default `--as-of` is now)."""
    marker = wh.root / "landed-at"
    if marker.exists() and marker.read_text() == at.isoformat():
        return
    shutil.rmtree(wh.root / "warehouse", ignore_errors=True)
    landed = dataclasses.replace(wh, clock=at).tools("generate-raw", "--scale", "0.01", "--seed", "2", "--quiet")
    assert landed.returncode == 0, landed.stderr
    marker.write_text(at.isoformat())


def freshness_at(wh: Warehouse, at: datetime, *select: str) -> dict[str, str]:
    """Status of each source table, as `dbt source freshness` sees it at `at`."""
    args = ["source", "freshness", *(("--select", *select) if select else ())]
    written = wh.root / "target" / "sources.json"
    written.unlink(missing_ok=True)  # a run that fails before its results must not pass on the last ones
    result = dataclasses.replace(wh, clock=at).dbt(*args, check=False)
    assert result.returncode in (0, 1) and written.exists(), result.stdout[-3000:]
    results = json.loads(written.read_text())["results"]
    # measured at the clock set: the results are this run's, at that hour
    moments = [datetime.fromisoformat(r["snapshotted_at"]).replace(tzinfo=None) - at for r in results]
    assert all(timedelta() <= m < timedelta(minutes=10) for m in moments), results
    return {r["unique_id"].split(".", 2)[2]: r["status"] for r in results}


@pytest.mark.parametrize("at", [
    datetime(2026, 12, 2, 3, 0),    # the dead of night: no van has pinged for hours
    datetime(2026, 12, 2, 7, 17),   # the morning hour at which the suite once failed
    datetime(2026, 12, 2, 13, 5),   # the first sync of the day is due
    datetime(2026, 12, 2, 20, 0),   # mid-shift
    datetime(2026, 12, 3, 0, 30),   # past midnight, the last syncs of the day before landing
], ids=lambda at: at.strftime("%d-%H%M"))
def test_freshly_landed_raw_is_fresh_at_any_hour(clocked: Warehouse, at: datetime) -> None:
    land_raw_at(clocked, at)
    statuses = freshness_at(clocked, at)
    assert len(statuses) == 16 and set(statuses.values()) == {"pass"}, statuses


@pytest.mark.parametrize(("stopped", "checked", "status"), [
    # stopped mid-shift: stale 4 hours later, as before
    (datetime(2026, 12, 2, 15, 0), datetime(2026, 12, 2, 21, 0), "error"),
    # stopped late in the evening: quiet all night (1.5 active hours old at 09:00), late once the
    # next shift's pings are due (2.5 at 14:00), stale at 17:30 (6)
    (datetime(2026, 12, 2, 23, 30), datetime(2026, 12, 3, 9, 0), "pass"),
    (datetime(2026, 12, 2, 23, 30), datetime(2026, 12, 3, 14, 0), "warn"),
    (datetime(2026, 12, 2, 23, 30), datetime(2026, 12, 3, 17, 30), "error"),
], ids=lambda v: v if isinstance(v, str) else v.strftime("%d-%H%M"))
def test_a_stopped_stream_goes_stale_in_active_hours(clocked: Warehouse, stopped: datetime, checked: datetime,
                                                     status: str) -> None:
    land_raw_at(clocked, stopped)
    assert freshness_at(clocked, checked, "source:fivetran_telematics.gps_events") == {
        "fivetran_telematics.gps_events": status}
