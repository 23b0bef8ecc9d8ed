"""The anomaly tests (tests/generic/test_expect_daily_value_within_trailing_window.sql): the SQL
against a reference on arbitrary daily series, the tests firing on the day a copy of the built
warehouse lost or doubled, and holding on the generator's data at other scales."""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.tests.conftest import AS_OF, Warehouse

TEST_NAME = "expect_daily_value_within_trailing_window"
SPLIT = "-- next variant --"


@dataclass(frozen=True)
class Variant:
    """One set of the test's arguments, compiled against the table `synthetic`."""

    trailing_days: int = 7
    days_to_check: int = 7
    settle_days: int = 1
    tolerance: float = 0.5
    z_score: float = 4
    noise: str = "poisson"
    column_name: str | None = None

    def call(self) -> str:
        column = f", column_name='{self.column_name}'" if self.column_name else ""
        return (f"{{{{ test_{TEST_NAME}(model='synthetic', date_column='measured_at'{column}, "
                f"trailing_days={self.trailing_days}, days_to_check={self.days_to_check}, "
                f"settle_days={self.settle_days}, tolerance={self.tolerance}, z_score={self.z_score}, "
                f"noise='{self.noise}') }}}}")


COUNTS = Variant()
SHORT_COUNTS = Variant(trailing_days=3, days_to_check=4, settle_days=2, tolerance=0.3, z_score=2)
SUMS = Variant(trailing_days=5, days_to_check=3, settle_days=0, tolerance=0.2, z_score=3, noise="sample",
               column_name="amount")
VARIANTS = (COUNTS, SHORT_COUNTS, SUMS)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[Variant, str]:
    """The test's SQL for each variant, from one dbt compile."""
    wh = Warehouse(tmp_path_factory.mktemp("anomaly_compile"))
    result = wh.compile_inline(f"\n{SPLIT}\n".join(variant.call() for variant in VARIANTS))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    parts = result.stdout.split(SPLIT)
    assert len(parts) == len(VARIANTS)
    return dict(zip(VARIANTS, parts, strict=True))


def reference(values: dict[date, float], variant: Variant) -> tuple[dict[date, float], set[date]]:
    """The days the test must flag and their values, computed the long way: every day of the
    data's span a value (zero when it has no rows), each checked day against the mean of the
    trailing days before it. Also the days on a bound, where float rounding decides."""
    if not values:
        return {}, set()
    first, last = min(values), max(values) - timedelta(days=variant.settle_days)
    calendar = [last - timedelta(days=n) for n in reversed(range(variant.trailing_days + variant.days_to_check))]
    calendar = [day for day in calendar if day >= first]
    series = [values.get(day, 0.0) for day in calendar]
    flagged: dict[date, float] = {}
    on_a_bound: set[date] = set()
    for index, day in enumerate(calendar):
        if index < variant.trailing_days or day <= last - timedelta(days=variant.days_to_check):
            continue
        window = series[index - variant.trailing_days:index]
        mean = sum(window) / len(window)
        # the noise unit: one row for counts, variance / mean (one "counted thing") for sums
        unit = 1.0 if variant.noise == "poisson" else (
            statistics.variance(window) / mean if len(window) > 1 and mean else 0.0)
        low, high = (1 - variant.tolerance) * mean, (1 + variant.tolerance) * mean
        if unit > 0:
            # off by more than z on Anscombe's scale, 2 sqrt(x + 3/8), where a count's spread is 1
            root = math.sqrt(max(mean / unit, 0) + 0.375)
            low = min(low, unit * (max(root - variant.z_score / 2, 0) ** 2 - 0.375))
            high = max(high, unit * ((root + variant.z_score / 2) ** 2 - 0.375))
        value = series[index]
        if any(math.isclose(value, bound, rel_tol=1e-9, abs_tol=1e-6) for bound in (low, high)):
            on_a_bound.add(day)
        elif value < low or value > high:
            flagged[day] = value
    return flagged, on_a_bound


def agrees(found: dict[date, float], values: dict[date, float], variant: Variant) -> bool:
    expected, on_a_bound = reference(values, variant)
    return {day: value for day, value in found.items() if day not in on_a_bound} == expected


def run_variant(sql: str, rows: list[tuple[datetime, float]]) -> dict[date, float]:
    con = duckdb.connect()
    try:
        con.execute("create table synthetic (measured_at timestamp, amount decimal(18, 2))")
        if rows:
            con.executemany("insert into synthetic values (?, ?)", rows)
        return {day: value for day, value, *_ in con.execute(sql).fetchall()}
    finally:
        con.close()


DAY_COUNTS = st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=30)


@settings(max_examples=120, deadline=None, database=None, derandomize=True)
@given(counts=DAY_COUNTS, start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
       hours=st.lists(st.integers(min_value=0, max_value=23), min_size=1, max_size=5),
       variant=st.sampled_from([COUNTS, SHORT_COUNTS]))
def test_counts_are_flagged_exactly_as_the_reference_says(compiled: dict[Variant, str], counts: list[int],
                                                          start: date, hours: list[int], variant: Variant) -> None:
    rows = [(datetime.combine(start + timedelta(days=offset), datetime.min.time()) + timedelta(hours=hours[n % len(hours)]),
             1.0) for offset, count in enumerate(counts) for n in range(count)]
    values = {start + timedelta(days=offset): float(count) for offset, count in enumerate(counts) if count}
    found = run_variant(compiled[variant], rows)
    assert agrees(found, values, variant), (found, reference(values, variant))


@settings(max_examples=80, deadline=None, database=None, derandomize=True)
@given(amounts=st.lists(st.lists(st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False), max_size=4),
                        min_size=1, max_size=20),
       start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)))
def test_sums_are_flagged_against_the_trailing_spread_as_the_reference_says(
        compiled: dict[Variant, str], amounts: list[list], start: date) -> None:
    rows = [(datetime.combine(start + timedelta(days=offset), datetime.min.time()), float(amount))
            for offset, day in enumerate(amounts) for amount in day]
    values = {start + timedelta(days=offset): float(sum(day)) for offset, day in enumerate(amounts) if day}
    found = run_variant(compiled[SUMS], rows)
    assert agrees(found, values, SUMS), (found, reference(values, SUMS))


def test_a_day_without_rows_is_the_anomaly_and_an_empty_table_is_not_judged(compiled: dict[Variant, str]) -> None:
    start = datetime(2026, 11, 1, 9)
    steady = [(start + timedelta(days=offset), 1.0) for offset in range(20) for _ in range(30) if offset != 15]
    assert run_variant(compiled[COUNTS], steady) == {date(2026, 11, 16): 0.0}
    assert run_variant(compiled[COUNTS], []) == {}


def test_bad_arguments_are_one_message_naming_the_argument(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path)
    cases = {"noise='gaussian'": "noise must be 'poisson' or 'sample', not 'gaussian'",
             "days_to_check='7'": "days_to_check must be a whole number of days >= 1, not '7'"}
    for argument, message in cases.items():
        result = wh.compile_inline(f"{{{{ test_{TEST_NAME}(model='synthetic', date_column='d', {argument}) }}}}")
        assert result.returncode != 0 and f"{TEST_NAME}: {message}" in result.stdout + result.stderr, argument


# --- the project's anomaly tests on real data ------------------------------------------------------


def flagged_days(wh: Warehouse, selector: str) -> dict[str, list[tuple[date, float]]]:
    """Run the anomaly tests `selector` picks, storing failures: the days each one flagged."""
    with duckdb.connect(str(wh.analytics_path)) as con:
        con.execute("drop schema if exists main_dbt_test__audit cascade")
    wh.dbt("test", "--select", f"{selector},test_name:{TEST_NAME}", "--store-failures")
    tables = wh.query("select table_name from information_schema.tables where table_schema = 'main_dbt_test__audit'")
    return {name: [(day, value) for day, value, *_ in
                   wh.query(f'select * from main_dbt_test__audit."{name}" order by 1')] for (name,) in tables}


def test_the_jobs_of_a_lost_day_and_of_a_doubled_day_are_flagged_in_raw_and_in_fct_jobs(
        built: Warehouse, tmp_path: Path) -> None:
    """Raw jobs lose one day and get another day's three times over (a connector replaying a
    day with new ids); the source's test and fct_jobs' test, once rebuilt, flag those two days
    and no other, with their values."""
    wh = built.copy(tmp_path / "wh", clock=AS_OF + timedelta(hours=1))
    lost, tripled = wh.raw_query("""
        select max(cast(created_at as date)) - 3, max(cast(created_at as date)) - 5 from fivetran_postgres.jobs
    """)[0]
    with duckdb.connect(str(wh.raw_path)) as con:
        con.execute("delete from fivetran_postgres.jobs where cast(created_at as date) = ?", [lost])
        for copy in (1, 2):
            con.execute(f"""
                insert into fivetran_postgres.jobs
                select * replace (id + {copy} * 100000000 as id)
                from fivetran_postgres.jobs where cast(created_at as date) = ?
            """, [tripled])
        live = dict(con.execute("""
            select cast(created_at as date), count(distinct id) from fivetran_postgres.jobs
            where not coalesce(_fivetran_deleted, false) and cast(created_at as date) in (?, ?) group by 1
        """, [lost, tripled]).fetchall())
    raw = flagged_days(wh, "source:fivetran_postgres.jobs")
    assert list(raw.values()) == [[(tripled, float(live[tripled])), (lost, 0.0)]], raw
    # rows deleted from raw are invisible to an incremental run: rebuild what fct_jobs reads
    wh.dbt("run", "--select", "+fct_jobs", "--full-refresh")
    marts = flagged_days(wh, "fct_jobs")
    assert [[day for day, _ in rows] for rows in marts.values()] == [[tripled, lost]], marts


def test_a_settled_day_of_revenue_that_vanished_is_flagged_by_both_revenue_tests(
        built: Warehouse, tmp_path: Path) -> None:
    wh = built.copy(tmp_path / "wh", clock=AS_OF + timedelta(hours=1))
    (gone,) = wh.query("select max(revenue_date) - 66 from main_finance.fct_revenue")[0]
    assert wh.query(f"select count(*) from main_finance.fct_revenue where revenue_date = '{gone}'")[0][0] > 0
    with duckdb.connect(str(wh.analytics_path)) as con:
        con.execute("delete from main_finance.fct_revenue where revenue_date = ?", [gone])
    flagged = flagged_days(wh, "fct_revenue")
    assert sorted(flagged.values()) == [[(gone, 0.0)], [(gone, 0.0)]], flagged


def anomaly_test_results(wh: Warehouse) -> list[dict]:
    results = json.loads((wh.root / "target" / "run_results.json").read_text())["results"]
    return [result for result in results if result["unique_id"].startswith("test.")]


def test_the_tests_hold_on_a_fresh_build(built: Warehouse, tmp_path: Path) -> None:
    """On the generator's data every anomaly test of the project passes: seven on sources, one on
    fct_jobs, two on fct_revenue."""
    wh = built.copy(tmp_path / "wh")
    wh.dbt("test", "--select", f"test_name:{TEST_NAME}")
    results = anomaly_test_results(wh)
    assert len(results) == 10 and {result["status"] for result in results} == {"pass"}, results


@pytest.mark.parametrize("scale, seed", [(0.0005, 11), (0.05, 5)])
def test_the_sources_tests_hold_at_other_scales(tmp_path: Path, scale: float, seed: int) -> None:
    """Thresholds follow the volume (sqrt of the mean for counts): the same tests pass on raw
    generated at a quarter of the test scale and at 25 times it."""
    wh = Warehouse(tmp_path)
    result = wh.tools("generate-raw", "--scale", str(scale), "--seed", str(seed), "--as-of", AS_OF.isoformat(),
                      "--quiet")
    assert result.returncode == 0, result.stderr
    wh.dbt("test", "--select", f"source:*,test_name:{TEST_NAME}")
    statuses = {result["unique_id"].split(".")[2]: result["status"] for result in anomaly_test_results(wh)}
    assert len(statuses) == 7 and set(statuses.values()) == {"pass"}, statuses
