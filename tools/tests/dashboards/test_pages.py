"""The preview's core without a browser: what a page makes of its tiles' answers, and the seed
and compiled files it reads, malformed ones included."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tools.dashboards import pages, queries
from tools.dashboards.preview import viewer
from tools.errors import ToolError

KPI_COLUMNS = ["region_code", "region_name", "latest_month", "month_revenue", "month_target", "ytd_revenue",
               "ytd_target", "ytd_revenue_attainment", "ytd_jobs_completed", "ytd_jobs_target",
               "ytd_jobs_attainment", "ytd_new_customers"]


def _executive(*regions: tuple) -> pages.Answers:
    return {
        "kpis_against_targets": (KPI_COLUMNS, list(regions)),
        "revenue_trend": (["revenue_month", "revenue_amount", "paid_invoices"], [(date(2026, 11, 1), Decimal("5"), 1)]),
        "customers_by_stage": (["lifecycle_stage", "customer_type", "customers", "lifetime_revenue"],
                               [(None, "residential", 3, None)]),
    }


def test_the_executive_tiles_add_the_regions_up_and_weigh_attainment_by_target() -> None:
    page = pages.executive(_executive(
        ("NE", "Northeast", date(2026, 11, 1), Decimal("100.40"), Decimal("200"), Decimal("1000"), Decimal("2000"),
         Decimal("0.5"), 10, 40, Decimal("0.25"), 2),
        ("MA", "Mid-Atlantic", date(2026, 11, 1), None, Decimal("100"), Decimal("3000"), Decimal("2000"),
         Decimal("1.5"), 30, 40, Decimal("0.75"), 0),
    ), {})
    assert [(k.label, k.value, k.delta) for k in page.kpis] == [
        ("Revenue, November 2026", "$100", "33.5% of target"),
        ("Revenue, 2026 to date", "$4,000", "100.0% of target"),
        ("Jobs completed, 2026 to date", "40", "50.0% of target"),
        ("New customers, 2026 to date", "2", None),
    ]
    by_region, trend, customers = page.blocks
    assert isinstance(by_region, pages.Table) and by_region.rows[1][:4] == ["MA", "$3,000", "$2,000", "150.0%"]
    assert isinstance(trend, pages.Chart) and trend.data == [{"Month": date(2026, 11, 1), "Revenue": 5.0}]
    assert isinstance(customers, pages.Table) and customers.rows == [["-", "residential", "3", "-"]]


def test_a_target_of_zero_gives_no_share_of_target() -> None:
    page = pages.executive(_executive(
        ("NE", "Northeast", date(2026, 11, 1), Decimal("5"), None, Decimal("5"), Decimal("0"), None, 1, 0, None, 0)), {})
    assert [k.delta for k in page.kpis] == [None, None, None, None]


@pytest.mark.parametrize("page, tile", [(pages.executive, "kpis_against_targets"), (pages.revenue, "by_day"),
                                        (pages.operations, "daily")])
def test_a_user_without_rows_gets_a_sentence_not_zeros(page, tile: str) -> None:
    shown = page({tile: (["x"], [])}, {})
    assert shown.kpis == [] and shown.blocks == [] and shown.empty and "user's regions" in shown.empty


def _seed(tmp_path: Path, access: str, regions: str = "region_id,region_code\n1,NE\n2,MA\n3,SE\n") -> Path:
    (tmp_path / "seeds").mkdir()
    (tmp_path / queries.ACCESS_SEED).write_text(access, encoding="utf-8")
    (tmp_path / queries.REGIONS_SEED).write_text(regions, encoding="utf-8")
    return tmp_path


def test_the_seed_gives_each_user_their_regions_or_all(tmp_path: Path) -> None:
    root = _seed(tmp_path, "user_name,sigma_email,region_id,access_level\n"
                           "ann_lee,a@x,1,read\nANN_LEE,a@x,3,read\nboss,b@x,,admin\n")
    users = queries.user_access(root)
    regions = queries.all_regions(root)
    assert users["ANN_LEE"].regions(regions) == {1: "NE", 3: "SE"}
    assert users["BOSS"].regions(regions) == regions
    assert viewer(users, None) == "BOSS"
    assert viewer(users, " ann_lee ") == "ANN_LEE"
    with pytest.raises(ToolError, match=r"--user 'nobody' is not in seeds/seed_user_region_access.csv; its users: "
                                        r"ANN_LEE, BOSS"):
        viewer(users, "nobody")


@pytest.mark.parametrize("access, message", [
    ("user_name,region_id\nann,1\n", "has no column access_level"),
    ("user_name,region_id,access_level\nann,,read\n", "line 2: a user with access_level 'read' and a region_id"),
    ("user_name,region_id,access_level\nann,1,write\n", "line 2"),
    ("user_name,region_id,access_level\nann,north,read\n", "line 2"),
    ("user_name,region_id,access_level\nann,1,read\n,2,read\n", "line 3"),
    ("user_name,region_id,access_level\nann,1\n", "line 2"),
])
def test_a_malformed_access_seed_is_named_with_its_line(tmp_path: Path, access: str, message: str) -> None:
    root = _seed(tmp_path, access)
    with pytest.raises(ToolError, match=message):
        queries.user_access(root)


def test_a_seed_without_an_admin_needs_a_user_named(tmp_path: Path) -> None:
    users = queries.user_access(_seed(tmp_path, "user_name,region_id,access_level\nann,1,read\n"))
    with pytest.raises(ToolError, match="has no admin: pass --user"):
        viewer(users, None)


def test_a_malformed_regions_seed_is_named(tmp_path: Path) -> None:
    root = _seed(tmp_path, "user_name,region_id,access_level\nann,1,read\n", "region_id,region_code\nNE,1\n")
    with pytest.raises(ToolError, match="every region_id must be a whole number"):
        queries.all_regions(root)


def test_compiled_queries_name_the_dashboard_without_any(tmp_path: Path) -> None:
    (tmp_path / "executive__kpis.sql").write_text("select 1", encoding="utf-8")
    (tmp_path / "revenue__by_day.sql").write_text("select 2", encoding="utf-8")
    with pytest.raises(ToolError, match=r"no compiled queries for the operations dashboard\(s\)"):
        queries.compiled_queries(tmp_path)
    (tmp_path / "operations__daily.sql").write_text("select 3", encoding="utf-8")
    assert queries.compiled_queries(tmp_path) == {"executive": {"kpis": "select 1"}, "revenue": {"by_day": "select 2"},
                                                  "operations": {"daily": "select 3"}}


def test_a_missing_warehouse_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match=r"no built warehouse at .*analytics.duckdb: build it first \(`make build`\)"):
        queries.run_tiles(tmp_path / "analytics.duckdb", "ANN", {"x": "select 1"})


@pytest.mark.parametrize("command", ["serve", "screenshot"])
def test_the_commands_need_a_built_warehouse_and_say_so(tmp_path: Path, monkeypatch, command: str) -> None:
    from click.testing import CliRunner

    from tools.cli import main
    from tools.tests.conftest import PROJECT_ROOT

    monkeypatch.setenv("FIELDFORCE_WAREHOUSE_DIR", str(tmp_path / "nowhere"))
    result = CliRunner().invoke(main, ["dashboards", command, "--project-dir", str(PROJECT_ROOT)])
    assert result.exit_code == 1
    assert result.output == (f"error: no built warehouse at {tmp_path / 'nowhere' / 'analytics.duckdb'}: "
                             "build it first (`make build`)\n")
    assert not (tmp_path / "nowhere").exists()
