"""What each dashboard page shows, from its tiles' answers: KPI tiles, tables and charts, as plain
values. The Streamlit app (tools/dashboards/app.py) only draws them, so what a page says can be
read, and tested, without a browser.

The pages follow the exposures' descriptions (models/marts/*/_*__models.yml): the executives'
revenue and jobs against target by region; finance's paid revenue by day, service and region;
the operations team's daily jobs, job board and technician leaderboard.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

Answers = dict[str, tuple[list[str], list[tuple]]]
Number = int | float | Decimal


@dataclass(frozen=True)
class Kpi:
    label: str
    value: str
    delta: str | None = None


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Chart:
    """A line or bar chart of `y` against `x` (one series per value of `series`, if given)."""

    title: str
    kind: str
    x: str
    y: str
    data: list[dict[str, Any]]
    series: str | None = None


@dataclass(frozen=True)
class Page:
    kpis: list[Kpi]
    blocks: list[Table | Chart] = field(default_factory=list)
    empty: str | None = None


def money(value: Number | None) -> str:
    return "-" if value is None else f"${float(value):,.0f}"


def count(value: Number | None) -> str:
    return "-" if value is None else f"{round(float(value)):,}"


def rate(value: Number | None) -> str:
    return "-" if value is None else f"{float(value):.1%}"


def _records(answers: Answers, tile: str) -> list[dict[str, Any]]:
    columns, rows = answers[tile]
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _total(records: Sequence[dict[str, Any]], column: str) -> float:
    return sum(float(r[column]) for r in records if r[column] is not None)


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _of_target(actual: float, target: float) -> str | None:
    attainment = _ratio(actual, target)
    return None if attainment is None else f"{attainment:.1%} of target"


def _month(value: date | None) -> str:
    return "-" if value is None else value.strftime("%B %Y")


def executive(answers: Answers, region_codes: dict[int, str]) -> Page:
    regions = _records(answers, "kpis_against_targets")
    if not regions:
        return Page([], empty="No executive summary rows for this user's regions.")
    latest = max(r["latest_month"] for r in regions)
    month_revenue, month_target = _total(regions, "month_revenue"), _total(regions, "month_target")
    ytd_revenue, ytd_target = _total(regions, "ytd_revenue"), _total(regions, "ytd_target")
    ytd_jobs, ytd_jobs_target = _total(regions, "ytd_jobs_completed"), _total(regions, "ytd_jobs_target")
    kpis = [
        Kpi(f"Revenue, {_month(latest)}", money(month_revenue), _of_target(month_revenue, month_target)),
        # the calendar year, as the executive summary's months (the Revenue page's is fiscal)
        Kpi(f"Revenue, {latest:%Y} to date", money(ytd_revenue), _of_target(ytd_revenue, ytd_target)),
        Kpi(f"Jobs completed, {latest:%Y} to date", count(ytd_jobs), _of_target(ytd_jobs, ytd_jobs_target)),
        Kpi(f"New customers, {latest:%Y} to date", count(_total(regions, "ytd_new_customers"))),
    ]
    by_region = Table(
        f"By region, {latest:%Y} to date",
        ["Region", "Revenue", "Revenue target", "Attainment", "Jobs completed", "Jobs attainment", "New customers"],
        [[r["region_code"], money(r["ytd_revenue"]), money(r["ytd_target"]), rate(r["ytd_revenue_attainment"]),
          count(r["ytd_jobs_completed"]), rate(r["ytd_jobs_attainment"]), count(r["ytd_new_customers"])]
         for r in regions])
    trend = Chart("Paid revenue per month", "line", "Month", "Revenue",
                  [{"Month": r["revenue_month"], "Revenue": float(r["revenue_amount"] or 0)}
                   for r in _records(answers, "revenue_trend")])
    customers = Table(
        "Customers by lifecycle stage", ["Stage", "Type", "Customers", "Lifetime revenue"],
        [[r["lifecycle_stage"] or "-", r["customer_type"] or "-", count(r["customers"]), money(r["lifetime_revenue"])]
         for r in _records(answers, "customers_by_stage")])
    return Page(kpis, [by_region, trend, customers])


def revenue(answers: Answers, region_codes: dict[int, str]) -> Page:
    days = _records(answers, "by_day")
    if not days:
        return Page([], empty="No paid revenue in this user's regions.")
    services = _records(answers, "by_service")
    kpis = [
        Kpi("Paid revenue, last 90 days", money(_total(days, "revenue_amount"))),
        Kpi("Paid invoices, last 90 days", count(_total(days, "paid_invoices"))),
        Kpi("Paid revenue, this fiscal year", money(_total(services, "revenue_amount"))),
    ]
    daily = Chart("Paid revenue per day", "bar", "Day", "Revenue",
                  [{"Day": r["date_day"], "Revenue": float(r["revenue_amount"] or 0)} for r in days])
    by_service = Table(
        "By service, this fiscal year", ["Category", "Service", "Revenue", "Services", "Materials", "Invoices"],
        [[r["service_category_name"], r["service_type_name"], money(r["revenue_amount"]), money(r["service_amount"]),
          money(r["materials_amount"]), count(r["paid_invoices"])] for r in services])
    months = _records(answers, "by_region")
    by_region = Table(
        "By region and month, the last 12 months", ["Region", "Month", "Revenue", "Average invoice"],
        [[region_codes.get(r["region_id"], str(r["region_id"])), r["revenue_month"].strftime("%Y-%m"),
          money(r["revenue_amount"]), money(r["average_invoice_amount"])] for r in months])
    return Page(kpis, [daily, by_service, by_region])


def operations(answers: Answers, region_codes: dict[int, str]) -> Page:
    days = _records(answers, "daily")
    if not days:
        return Page([], empty="No operations in this user's regions.")
    kpis = [
        Kpi("Jobs scheduled, 30 days", count(_total(days, "jobs_scheduled"))),
        Kpi("Jobs completed, 30 days", count(_total(days, "jobs_completed"))),
        Kpi("Completed job value, 30 days", money(_total(days, "completed_job_amount"))),
        Kpi("Miles driven, 30 days", count(_total(days, "distance_miles"))),
    ]
    completed = Chart("Jobs completed per day", "line", "Day", "Jobs completed",
                      [{"Day": r["report_date"], "Region": r["region_code"], "Jobs completed": r["jobs_completed"]}
                       for r in days], series="Region")
    board = Table(
        "Job board, the last 7 days", ["Scheduled", "Status", "Priority", "Jobs", "Value"],
        [[r["job_scheduled_date"].isoformat(), r["job_status"], r["job_priority"], count(r["jobs"]),
          money(r["total_amount"])] for r in _records(answers, "open_jobs")])
    leaders = Table(
        "Technicians, the last 30 days (best revenue first)",
        ["Technician", "Region", "Skill", "Jobs completed", "Revenue", "Utilisation", "On time", "Miles"],
        [[r["technician_name"], r["region_code"], r["skill_level"], count(r["jobs_completed"]),
          money(r["revenue_amount"]), rate(r["utilisation_rate"]), rate(r["on_time_arrival_rate"]),
          count(r["distance_miles"])] for r in _records(answers, "technician_performance")][:20])
    return Page(kpis, [completed, board, leaders])


PAGES: dict[str, Callable[[Answers, dict[int, str]], Page]] = {
    "executive": executive,
    "revenue": revenue,
    "operations": operations,
}
