"""fivetran_telematics: GPS pings from the technicians' vans, delivered by webhook (append-only).

Fivetran dedupes webhook rows on `_fivetran_id` only, so a retried delivery lands the same event
twice under a new `_fivetran_id`. Vans move during the driving legs of a shift and stand still
(engine idling or off) during the visits in between.
"""

from __future__ import annotations

from tools.rawgen.catalog import REGIONS
from tools.rawgen.context import Context
from tools.rawgen.landing import LandedTable

SCHEMA = "fivetran_telematics"
SHIFT_START_HOUR_UTC = 12  # 7 AM on the east coast
SHIFT_SECONDS = 12 * 3600
LEGS_PER_SHIFT = 16  # alternating drive / visit legs
RETRY_SHARE = 0.002


def _region_centres() -> str:
    rows = ", ".join(f"({r.region_id}, {r.latitude}, {r.longitude})" for r in REGIONS)
    return f"(values {rows}) as rc(region_id, lat, lon)"


def pings_sql(
    ctx: Context,
    first_day: str,
    days: int,
    not_after: str,
    not_before: str | None = None,
    shift_start_hour: int = SHIFT_START_HOUR_UTC,
    max_pings: int | None = None,
    technician_filter: str = "true",
) -> str:
    """Every ping of every technician for `days` days from `first_day`, up to `not_after`.

    `shift_start_hour`, `max_pings` and `technician_filter` describe overtime: a few vans out
    early, whose pings the van buffers and uploads late.
    """
    s = ctx.seed
    per_day = ctx.pings_per_technician_day
    leg = max(1, per_day // LEGS_PER_SHIFT)
    step = SHIFT_SECONDS / per_day
    pings = per_day if max_pings is None else min(per_day, max_pings)
    lower = f"and event_at > {not_before}" if not_before else ""
    return f"""
        with pings as (
            select
                t.i as technician_id,
                d.d as day_number,
                k.k as ping,
                cast({first_day} as timestamp) + secs(d.d * 86400 + {shift_start_hour} * 3600 + k.k * {step})
                    as event_at,
                k.k // {leg} as leg,
                -- pings spent driving so far: the position only moves on driving legs
                (k.k // {leg} // 2) * {leg} + case when (k.k // {leg}) % 2 = 0 then k.k % {leg} else {leg} end
                    as driven
            from range(1, {ctx.volumes.technicians + 1}) as t(i)
            cross join range(0, {days}) as d(d)
            cross join range(0, {pings}) as k(k)
            where {technician_filter.replace('technician_id', 't.i')}
        ),

        placed as (
            select
                p.*,
                rc.lat + 0.15 * sin(p.driven * 0.002 + hash({s}, p.technician_id, p.day_number) % 628 / 100.0)
                    as latitude,
                rc.lon + 0.15 * cos(p.driven * 0.0026 + hash({s}, p.technician_id, p.day_number) % 628 / 100.0)
                    as longitude,
                p.leg % 2 = 0 as is_driving
            from pings as p
            inner join {_region_centres()} on rc.region_id = 1 + (p.technician_id - 1) % 8
            where p.event_at <= {not_after} {lower}
        )

        select
            cast(technician_id as varchar) || '-' || cast(cast(epoch(event_at) as bigint) as varchar) as event_id,
            'VAN-' || cast(10000 + technician_id as varchar) as vehicle_id,
            technician_id,
            event_at,
            latitude,
            longitude,
            -- whole tenths of a mph, without round(), which is slow over hundreds of millions of rows
            case when is_driving then (180 + floor(400 * u({s}, technician_id * 100000 + ping, 'spd'))) / 10 else 0 end
                as speed_mph,
            is_driving or u({s}, technician_id * 100000 + ping, 'idle') < 0.35 as ignition_on,
            cast(hash({s}, technician_id, epoch(event_at), 'fid') as varchar) as _fivetran_id,
            date_trunc('hour', event_at) + secs(3600 + ui({s}, technician_id, 'gsync', 30, 600)) as _fivetran_synced
        from placed
    """


def gps_events_sql(ctx: Context) -> str:
    """Pings of the last `gps_days` days, synced hourly, plus the duplicates retries leave."""
    first_day = f"date_trunc('day', {ctx.as_of_sql}) - secs({ctx.gps_days - 1} * 86400)"
    return with_retries(ctx, pings_sql(ctx, first_day, ctx.gps_days, ctx.as_of_sql))


def with_retries(ctx: Context, events_sql: str) -> str:
    s = ctx.seed
    return f"""
        with events as ({events_sql}),

        synced as (
            select * replace (least(_fivetran_synced, {ctx.as_of_sql}) as _fivetran_synced)
            from events
            where _fivetran_synced <= {ctx.as_of_sql} + secs(3600)
        )

        select * from synced
        union all
        -- a retried webhook delivery: same event, new _fivetran_id, a later sync
        select * replace (
            _fivetran_id || '-r' as _fivetran_id,
            least(_fivetran_synced + secs(ui({s}, hash(event_id), 'retry', 60, 3600)), {ctx.as_of_sql}) as _fivetran_synced
        )
        from synced
        where u({s}, hash(event_id), 'retried') < {RETRY_SHARE}
    """


def tables(ctx: Context) -> list[LandedTable]:
    return [LandedTable(SCHEMA, "gps_events", gps_events_sql(ctx))]
