"""The dashboard preview (tools/dashboards, docs/dashboards.md) in a real headless browser: each
page, loaded in Debian's chromium as an admin and as a regional manager, shows the figures the
marts hold for that user's regions, computed here from the tables under the row-level-security
views; an unknown user is refused; the screenshot command writes the three PNGs."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.dashboards import browser as dashboard_browser
from tools.dashboards import queries
from tools.dashboards.serve import serving
from tools.tests.conftest import PROJECT_ROOT, Warehouse

pytestmark = pytest.mark.e2e

ADMIN, REGIONAL = "PRIYA_PATEL", "MARIA_GARCIA"


@pytest.fixture(scope="module")
def site(built: Warehouse) -> Iterator[str]:
    """The preview served over the session's built warehouse."""
    built.dbt("compile", "--select", f"path:{queries.QUERIES_DIR.as_posix()}")
    compiled = built.root / "target" / queries.COMPILED_DIR
    with serving(built.analytics_path, compiled, PROJECT_ROOT, ADMIN) as address:
        yield address


@pytest.fixture(scope="module")
def chromium() -> Iterator[dashboard_browser.Browser]:
    with dashboard_browser.headless_chromium() as launched:
        yield launched


def _regions(user: str) -> dict[int, str]:
    return queries.user_access(PROJECT_ROOT)[user].regions(queries.all_regions(PROJECT_ROOT))


def _number(shown: str) -> float:
    """'$1,234' -> 1234.0, '1,234' -> 1234.0, '93.7%' -> 0.937."""
    assert re.fullmatch(r"\$?-?[\d,]+(\.\d+)?%?", shown), shown
    value = float(shown.replace("$", "").replace(",", "").rstrip("%"))
    return value / 100 if shown.endswith("%") else value


def _shows(kpis: dict[str, tuple[str, str | None]], label: str, expected: float, delta_of: float | None = None) -> None:
    value, delta = kpis[label]
    assert abs(_number(value) - expected) <= 0.5, (label, value, expected)
    if delta_of is not None:
        assert delta is not None and delta.endswith(" of target"), (label, delta)
        assert abs(_number(delta.removesuffix(" of target")) - expected / delta_of) <= 0.0005, (label, delta)


def _load(chromium, site: str, page: str, user: str) -> dashboard_browser.Shown:
    shown = dashboard_browser.load(chromium, f"{site}/{page}?user={user}")
    assert f"Shown as {user}." in shown.text, shown.text[:500]
    return shown


def _in(regions: dict[int, str]) -> str:
    return ", ".join(str(r) for r in regions)


@pytest.mark.parametrize("user", [ADMIN, REGIONAL])
def test_the_executive_page_shows_the_summary_of_the_users_regions(built: Warehouse, site: str, chromium,
                                                                   user: str) -> None:
    regions = _regions(user)
    shown = _load(chromium, site, "executive", user)
    [(latest, month_revenue, month_target, revenue, target, jobs, jobs_target, new_customers)] = built.query(f"""
        with summary as (
            select * from main_executive.rpt_executive_summary where region_id in ({_in(regions)})
        ),
        latest as (
            select max(report_month) as month from summary where paid_invoices > 0 or jobs_completed > 0
        )
        select latest.month,
            sum(revenue_amount) filter (where report_month = latest.month),
            sum(revenue_target) filter (where report_month = latest.month),
            sum(revenue_amount), sum(revenue_target), sum(jobs_completed), sum(jobs_target), sum(new_customers)
        from summary, latest
        where report_month between date_trunc('year', latest.month) and latest.month
        group by latest.month""")
    _shows(shown.kpis, f"Revenue, {latest:%B %Y}", float(month_revenue), float(month_target))
    _shows(shown.kpis, f"Revenue, {latest:%Y} to date", float(revenue), float(target))
    _shows(shown.kpis, f"Jobs completed, {latest:%Y} to date", jobs, jobs_target)
    _shows(shown.kpis, f"New customers, {latest:%Y} to date", new_customers)
    header, *rows = shown.tables[f"By region, {latest:%Y} to date"]
    assert header[0] == "Region"
    assert sorted(row[0] for row in rows) == sorted(regions.values())
    assert abs(sum(_number(row[1]) for row in rows) - float(revenue)) <= 0.5 * len(rows)


@pytest.mark.parametrize("user", [ADMIN, REGIONAL])
def test_the_revenue_page_shows_the_paid_revenue_of_the_users_regions(built: Warehouse, site: str, chromium,
                                                                      user: str) -> None:
    regions = _regions(user)
    shown = _load(chromium, site, "revenue", user)
    [(days_revenue, days_invoices, year_revenue)] = built.query(f"""
        with revenue as (
            select * from main_finance.fct_revenue where region_id in ({_in(regions)})
        ),
        latest as (
            select max(revenue_date) as day from revenue
        ),
        this_year as (
            select fiscal_year from main_core.dim_date, latest where date_day = latest.day
        )
        select
            sum(total_amount) filter (where revenue_date > latest.day - interval 90 day),
            sum(invoice_count) filter (where revenue_date > latest.day - interval 90 day),
            sum(total_amount) filter (where dates.fiscal_year = this_year.fiscal_year)
        from revenue
        cross join latest
        cross join this_year
        inner join main_core.dim_date as dates on revenue.revenue_date = dates.date_day""")
    _shows(shown.kpis, "Paid revenue, last 90 days", float(days_revenue))
    _shows(shown.kpis, "Paid invoices, last 90 days", days_invoices)
    _shows(shown.kpis, "Paid revenue, this fiscal year", float(year_revenue))
    header, *rows = shown.tables["By region and month, the last 12 months"]
    assert header[:2] == ["Region", "Month"]
    assert {row[0] for row in rows} == set(regions.values())


@pytest.mark.parametrize("user", [ADMIN, REGIONAL])
def test_the_operations_page_shows_the_last_30_days_of_the_users_regions(built: Warehouse, site: str, chromium,
                                                                         user: str) -> None:
    regions = _regions(user)
    shown = _load(chromium, site, "operations", user)
    [(span, scheduled, completed, value, miles)] = built.query(f"""
        with daily as (
            select * from main_operations.rpt_operations_daily where region_id in ({_in(regions)})
        )
        select max(report_date) - min(report_date), sum(jobs_scheduled), sum(jobs_completed), sum(completed_job_amount),
            sum(distance_miles)
        from daily
        where report_date > (select max(report_date) from daily) - interval 30 day""")
    assert span <= 29  # "30 days" spans 30 dates, the last one included
    _shows(shown.kpis, "Jobs scheduled, 30 days", scheduled)
    _shows(shown.kpis, "Jobs completed, 30 days", completed)
    _shows(shown.kpis, "Completed job value, 30 days", float(value))
    _shows(shown.kpis, "Miles driven, 30 days", float(miles))
    header, *leaders = shown.tables["Technicians, the last 30 days (best revenue first)"]
    assert header[:2] == ["Technician", "Region"] and leaders
    assert {row[1] for row in leaders} <= set(regions.values())
    revenues = [_number(row[4]) for row in leaders]
    assert revenues == sorted(revenues, reverse=True)
    assert shown.tables["Job board, the last 7 days"][1:], "the job board is empty"


def test_a_regional_manager_sees_less_than_the_admin(site: str, chromium) -> None:
    """The two users' figures differ where their regions do: the RLS views, not the page, decide."""
    admin = _load(chromium, site, "revenue", ADMIN).kpis
    regional = _load(chromium, site, "revenue", REGIONAL).kpis
    label = "Paid revenue, last 90 days"
    assert 0 < _number(regional[label][0]) < _number(admin[label][0])


def test_the_sidebar_switches_user_and_the_choice_follows_to_the_other_pages(site: str, chromium) -> None:
    """As an analyst uses it: open as the admin, choose the regional manager under View as, then go
    to another page by the navigation; the address and the figures follow the choice."""
    regional = _load(chromium, site, "operations", REGIONAL).kpis
    page = chromium.new_page(viewport=dashboard_browser.VIEWPORT)
    try:
        page.goto(f"{site}/revenue", timeout=dashboard_browser.LOAD_TIMEOUT_MS)
        page.wait_for_selector(f"text=/^Shown as {ADMIN}/", timeout=dashboard_browser.LOAD_TIMEOUT_MS)
        page.click('[data-testid="stSelectbox"] input')
        page.click(f'[role="option"]:has-text("{REGIONAL}")')
        page.wait_for_selector(f"text=/^Shown as {REGIONAL}/", timeout=dashboard_browser.LOAD_TIMEOUT_MS)
        assert page.url.endswith(f"/revenue?user={REGIONAL}")
        page.click('[data-testid="stSidebarNav"] a:has-text("Operations")')
        # the revenue page's caption stays up while the next page runs: wait for the new address and
        # for the operations page's own tile
        page.wait_for_url(f"**/operations?user={REGIONAL}", timeout=dashboard_browser.LOAD_TIMEOUT_MS)
        label = "Jobs completed, 30 days"
        tile = page.locator(f'[data-testid="stMetric"]:has-text("{label}") [data-testid="stMetricValue"]')
        tile.wait_for(timeout=dashboard_browser.LOAD_TIMEOUT_MS)
        assert tile.inner_text() == regional[label][0]
    finally:
        page.close()


def test_an_unknown_user_is_refused_by_name(site: str, chromium) -> None:
    shown = dashboard_browser.load(chromium, f"{site}/executive?user=NOT_A_USER")
    assert "Unknown user 'NOT_A_USER'" in shown.text and "Known users: AISHA_BELLO" in shown.text
    assert shown.kpis == {} and shown.tables == {}


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", data[16:24])


def _screenshot(built: Warehouse, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`tools dashboards screenshot` over the built warehouse, compiling into a private target/."""
    env = {**built.env, "DBT_TARGET_PATH": str(tmp_path / "target")}
    return subprocess.run([sys.executable, "-m", "tools.cli", "dashboards", "screenshot", *args], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, check=False)


def test_the_screenshot_command_writes_a_picture_of_each_page(built: Warehouse, tmp_path: Path) -> None:
    out = tmp_path / "shots"
    result = _screenshot(built, tmp_path, "--user", "maria_garcia", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "as MARIA_GARCIA" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["executive.png", "operations.png", "revenue.png"]
    for picture in out.iterdir():
        assert _png_size(picture) == (dashboard_browser.VIEWPORT["width"], dashboard_browser.VIEWPORT["height"])
        assert picture.stat().st_size > 50_000, picture  # a drawn page, not a blank one


def test_the_screenshot_command_refuses_an_unknown_user_and_writes_nothing(built: Warehouse, tmp_path: Path) -> None:
    out = tmp_path / "shots"
    result = _screenshot(built, tmp_path, "--user", "NOT_A_USER", "--out", str(out))
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: --user 'NOT_A_USER' is not in seeds/seed_user_region_access.csv")
    assert not out.exists() and not (tmp_path / "target").exists()
