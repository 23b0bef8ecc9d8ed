"""The Semantic Layer (docs/metrics.md): MetricFlow validates the definitions against the local
warehouse, and every figure of the two reports equals what MetricFlow computes for the same metric,
grain and filter."""

from __future__ import annotations

import csv
import math
from datetime import date
from pathlib import Path

import pytest

from tools.tests.conftest import Warehouse

pytestmark = pytest.mark.e2e

# report column -> (metric, decimal places the report rounds it to; None when it is not rounded)
EXECUTIVE = {
    "revenue_amount": ("revenue", None),
    "revenue_target": ("revenue_target", None),
    "revenue_attainment": ("revenue_attainment", 4),
    "paid_invoices": ("paid_invoices", None),
    "jobs_completed": ("jobs_completed", None),
    "jobs_target": ("jobs_target", None),
    "jobs_attainment": ("jobs_attainment", 4),
    "new_customers": ("new_customers", None),
    "average_invoice_amount": ("average_invoice_amount", 2),
}
OPERATIONS = {
    "jobs_scheduled": ("jobs_scheduled", None),
    "jobs_cancelled": ("jobs_cancelled", None),
    "jobs_completed": ("jobs_completed", None),
    "completed_job_amount": ("completed_job_amount", None),
    "on_site_minutes": ("completed_on_site_minutes", None),
    "active_technicians": ("active_technicians", None),
    "distance_miles": ("distance_miles", None),
    "idle_minutes": ("idle_minutes", None),
    "completion_rate": ("completion_rate", 4),
    "on_time_arrival_rate": ("on_time_arrival_rate", 4),
}
# report -> (time column, MetricFlow's grain, columns)
REPORTS = {
    "main_executive.rpt_executive_summary": ("report_month", "month", EXECUTIVE),
    "main_operations.rpt_operations_daily": ("report_date", "day", OPERATIONS),
}

Key = tuple[date, int]


@pytest.fixture(scope="module")
def warehouse_for_metrics(built: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    wh = built.copy(tmp_path_factory.mktemp("metrics"))
    (wh.root / "target").symlink_to(built.root / "target")
    return wh


def mf_query(wh: Warehouse, metrics: list[str], group_by: list[str], out: Path,
             where: str | None = None) -> list[dict[str, str]]:
    args = ["query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by), "--csv", str(out)]
    if where:
        args += ["--where", where]
    result = wh.mf(*args)
    assert result.returncode == 0 and out.exists(), f"mf {' '.join(args)}:\n{result.stdout[-3000:]}{result.stderr[-2000:]}"
    with out.open(newline="") as handle:
        return list(csv.DictReader(handle))


def number(text: str | None) -> float | None:
    return None if text in (None, "") else float(text)


def by_key(rows: list[dict[str, str]], time_column: str, region_column: str) -> dict[Key, dict[str, str]]:
    keyed: dict[Key, dict[str, str]] = {}
    for row in rows:
        if row[time_column] and row[region_column]:
            keyed[(date.fromisoformat(row[time_column][:10]), int(row[region_column]))] = row
    return keyed


def same(report: float | None, metric: float | None, places: int | None) -> bool:
    """The report's figure is the metric's, rounded as the report rounds it; a report's zero is a
    period with nothing to count, which MetricFlow leaves empty."""
    if report is None or metric is None:
        return report == metric or (metric is None and report == 0)
    tolerance = 0.5 * 10 ** -places + 1e-9 if places is not None else 1e-6 * max(1.0, abs(metric))
    return math.isclose(report, metric, abs_tol=tolerance)


def report_rows(wh: Warehouse, report: str, time_column: str, columns: list[str]) -> dict[Key, dict[str, float | None]]:
    rows = wh.query(f"select {time_column}, region_id, {', '.join(columns)} from {report}")
    return {(row[0], row[1]): {c: (None if v is None else float(v)) for c, v in zip(columns, row[2:], strict=True)}
            for row in rows}


def test_metricflow_validates_the_definitions_against_the_warehouse(warehouse_for_metrics: Warehouse) -> None:
    result = warehouse_for_metrics.mf("validate-configs")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    for step in ("the semantics of built manifest", "dimensions against data warehouse",
                 "measures against data warehouse", "metrics against data warehouse"):
        assert f"Successfully validated {step} (ERRORS: 0" in result.stdout, step


@pytest.mark.parametrize("report", sorted(REPORTS))
def test_every_figure_of_the_report_is_the_metric(warehouse_for_metrics: Warehouse, report: str,
                                                  tmp_path: Path) -> None:
    time_column, grain, columns = REPORTS[report]
    wh = warehouse_for_metrics
    expected = report_rows(wh, report, time_column, list(columns))
    metrics = sorted({metric for metric, _ in columns.values()})
    rows = mf_query(wh, metrics, [f"metric_time__{grain}", "region"], tmp_path / "metrics.csv")
    computed = by_key(rows, f"metric_time__{grain}", "region")

    assert len(expected) > 20, "the report is too small to compare"
    mismatches = []
    for key, figures in expected.items():
        for column, (metric, places) in columns.items():
            got = number(computed.get(key, {}).get(metric))
            if not same(figures[column], got, places):
                mismatches.append(f"{key} {column}={figures[column]} but {metric}={got}")
    # nor does MetricFlow count anything in a period and region the report leaves out
    for key, row in computed.items():
        if key not in expected and any(number(row[m]) not in (None, 0) for m in metrics):
            mismatches.append(f"{key} is in the metrics but not in {report}: {row}")
    assert not mismatches, f"{len(mismatches)} differences, e.g.:\n" + "\n".join(mismatches[:10])
    # the comparison saw real figures, not empty ones on both sides
    for column, (metric, _) in columns.items():
        assert any(number(row[metric]) for row in computed.values()), f"{metric} is empty everywhere"
        assert any(figures[column] for figures in expected.values()), f"{report}.{column} is empty everywhere"


def test_a_filtered_metric_is_the_report_filtered_the_same_way(warehouse_for_metrics: Warehouse,
                                                               tmp_path: Path) -> None:
    """One region by its code, by fiscal quarter: the grain and filter a regional dashboard uses."""
    wh = warehouse_for_metrics
    rows = mf_query(wh, ["revenue", "jobs_completed"], ["metric_time__fiscal_quarter"], tmp_path / "ne.csv",
                    where="{{ Dimension('region__region_code') }} = 'NE'")
    # jobs not completed have no completion day, and a quarter may have nothing yet to count
    computed = {row["metric_time__fiscal_quarter"]: row for row in rows
                if row["metric_time__fiscal_quarter"] and (number(row["revenue"]) or number(row["jobs_completed"]))}
    expected = wh.query(
        "select dates.fiscal_quarter_name, sum(summary.revenue_amount), sum(summary.jobs_completed) "
        "from main_executive.rpt_executive_summary as summary "
        "inner join main_core.dim_date as dates on summary.report_month = dates.date_day "
        "where summary.region_code = 'NE' group by 1 having sum(summary.revenue_amount) > 0 "
        "or sum(summary.jobs_completed) > 0")
    assert len(expected) >= 2
    assert sorted(computed) == sorted(quarter for quarter, _, _ in expected)
    for quarter, revenue, jobs in expected:
        assert math.isclose(float(computed[quarter]["revenue"]), float(revenue), rel_tol=1e-9), quarter
        assert float(computed[quarter]["jobs_completed"]) == jobs, quarter
