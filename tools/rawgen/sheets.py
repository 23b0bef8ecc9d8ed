"""fivetran_sheets: the finance team's Google Sheet of monthly revenue and job targets per region.

One named range is one table, keyed by `_row`; Fivetran re-imports the whole range on every change,
so every row carries the same `_fivetran_synced`. Sheets land loosely typed: the month is text.
"""

from __future__ import annotations

from tools.rawgen.batch import Batch, Lander
from tools.rawgen.catalog import REGIONS
from tools.rawgen.context import HISTORY_DAYS, Context
from tools.rawgen.landing import LandedTable

SCHEMA = "fivetran_sheets"
MONTHS_BACK = 36
MONTHS_AHEAD = 12
AVERAGE_TICKET_DOLLARS = 540  # roughly what the generator's prices average to


def revenue_targets_sql(ctx: Context, synced_at: str | None = None, revision: int = 0) -> str:
    s = ctx.seed
    synced = synced_at or f"{ctx.as_of_sql} - secs(ui({s}, 0, 'sheet_sync', 600, 20 * 3600))"
    monthly_jobs = round(ctx.volumes.jobs / (HISTORY_DAYS / 30.4) / len(REGIONS), 1)
    codes = ", ".join(f"'{r.code}'" for r in REGIONS)
    return f"""
        with months as (
            select m, date_trunc('month', {ctx.as_of_sql}) + to_months(cast(m as integer)) as month_start
            from range(-{MONTHS_BACK}, {MONTHS_AHEAD}) as t(m)
        ),

        regions as (
            select unnest([{codes}]) as region_code
        )

        select
            cast(row_number() over (order by month_start, region_code) as bigint) as _row,
            strftime(month_start, '%Y-%m') as month,
            region_code as region,
            round({monthly_jobs} * {AVERAGE_TICKET_DOLLARS}
                  * (0.9 + 0.25 * u({s} + {revision}, hash(month_start, region_code), 'tgt')), -2)
                as revenue_target,
            cast(round({monthly_jobs} * (0.9 + 0.2 * u({s}, hash(month_start, region_code), 'jt'))) as bigint)
                as jobs_target,
            case when u({s}, hash(month_start, region_code), 'note') < 0.1 then 'stretch goal' end as notes,
            {synced} as _fivetran_synced
        from months cross join regions
    """


def tables(ctx: Context) -> list[LandedTable]:
    return [LandedTable(SCHEMA, "revenue_targets", revenue_targets_sql(ctx))]


# --- what a sync changes (tools/rawgen/sync.py orders the sources) ------------------------------


def land_sync(lander: Lander, ctx: Context, batch: Batch) -> None:
    """Finance edited the sheet, so Fivetran re-imports all of it."""
    b = batch.seed
    lander.land("fivetran_sheets.revenue_targets",
                revenue_targets_sql(ctx, synced_at=f"cast({batch.stamp('0')} as timestamptz)", revision=b),
                "full re-import")
