"""fivetran_telematics: GPS pings from the technicians' vans, delivered by webhook (append-only).

Fivetran dedupes webhook rows on `_fivetran_id` only, so a retried delivery lands the same event
twice under a new `_fivetran_id`. Vans move during the driving legs of a shift and stand still
(engine idling or off) during the visits in between.

Pings are tens of millions of rows a day, so the SQL is shaped for speed: whatever depends on
the technician and day only (van, region, route phase, sync lag) or on the ping's place in the
shift only (time offset, driving or not) is computed once in two small tables, and each ping,
their cross product, costs one hash and integer arithmetic on epoch seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tools.rawgen.batch import Batch, Known, Lander
from tools.rawgen.catalog import REGIONS
from tools.rawgen.context import Context
from tools.rawgen.landing import LandedTable

SCHEMA = "fivetran_telematics"
SHIFT_START_HOUR_UTC = 12  # 7 AM on the east coast
SHIFT_SECONDS = 12 * 3600
LEGS_PER_SHIFT = 16  # alternating drive / visit legs
RETRY_SLOTS = 500  # one ping in RETRY_SLOTS is delivered twice (0.2%)
PARTS = 8


def _region_centres() -> str:
    rows = ", ".join(f"({r.region_id}, {r.latitude}, {r.longitude})" for r in REGIONS)
    return f"(values {rows}) as rc(region_id, lat, lon)"


def _epoch_seconds(timestamp_sql: str) -> str:
    return f"(epoch_us(cast({timestamp_sql} as timestamp)) // 1000000)"


@dataclass(frozen=True)
class Window:
    """Which pings: `days` shifts from `first_day`, recorded after `not_before` and up to `not_after`.

    `shift_start_hour`, `max_pings` and `technician_filter` describe overtime: a few vans out
    early, whose pings the van buffers and uploads late.
    """

    first_day: str
    days: int
    not_after: str
    not_before: str | None = None
    shift_start_hour: int = SHIFT_START_HOUR_UTC
    max_pings: int | None = None
    technician_filter: str = "true"


def _pings_sql(ctx: Context, w: Window, synced_by: str | None, retried: bool) -> str:
    """The pings of the window, as first delivered or (`retried`) as delivered again.

    With `synced_by`, only the pings Fivetran has synced by then, stamped no later than it.
    """
    s = ctx.seed
    per_day = ctx.pings_per_technician_day
    leg = max(1, per_day // LEGS_PER_SHIFT)
    step = SHIFT_SECONDS / per_day
    pings = per_day if w.max_pings is None else min(per_day, w.max_pings)
    first_second = _epoch_seconds(w.first_day)
    # integer seconds throughout: timestamp and interval arithmetic per row is slow at this volume
    conditions = [f"p.event_second <= {_epoch_seconds(w.not_after)}"]
    if w.not_before:
        conditions.append(f"p.event_second > {_epoch_seconds(w.not_before)}")
    synced = "(p.event_second // 3600 + 1) * 3600 + p.sync_lag"  # the hourly sync after the ping
    if synced_by:
        conditions.append(f"{synced} <= {_epoch_seconds(synced_by)} + 3600")
        synced = f"least({synced}, {_epoch_seconds(synced_by)})"
    if retried:
        synced = f"{synced} + 60 + cast((p.draw >> 48) % 3541 as bigint)"  # the retry comes up to an hour later
        if synced_by:
            synced = f"least({synced}, {_epoch_seconds(synced_by)})"
    # a retried delivery is a ping whose slot matches its technician-day's: a join, not a scan
    pairing = "inner join offsets as o on td.retry_slot = o.retry_slot" if retried else "cross join offsets as o"
    return f"""
        with technician_days as (
            select
                t.i as technician_id,
                'VAN-' || cast(10000 + t.i as varchar) as vehicle_id,
                rc.lat as centre_lat,
                rc.lon as centre_lon,
                -- where on its loop the van is at the start of the day (see `pings`)
                sin(hash({s}, t.i, {first_second} // 86400 + d.d) % 628 / 100.0) as sin_phase,
                cos(hash({s}, t.i, {first_second} // 86400 + d.d) % 628 / 100.0) as cos_phase,
                {first_second} + d.d * 86400 + {w.shift_start_hour} * 3600 as shift_start_second,
                ui({s}, t.i, 'gsync', 30, 600) as sync_lag,
                cast(hash({s}, t.i, 'fid') & 4294967295 as bigint) as id_mask,
                hash({s}, t.i, {first_second} // 86400 + d.d, 'retry') % {RETRY_SLOTS} as retry_slot
            from range(1, {ctx.volumes.technicians + 1}) as t(i)
            cross join range(0, {w.days}) as d(d)
            inner join {_region_centres()} on rc.region_id = 1 + (t.i - 1) % 8
            where {w.technician_filter.replace('technician_id', 't.i')}
        ),

        offsets as (
            select
                cast(k.k * {step} as bigint) as offset_second,
                (k.k // {leg}) % 2 = 0 as is_driving,
                sin(driven * 0.002) as sin_lat,
                cos(driven * 0.002) as cos_lat,
                sin(driven * 0.0026) as sin_lon,
                cos(driven * 0.0026) as cos_lon,
                hash({s}, k.k, 'retry') % {RETRY_SLOTS} as retry_slot
            from (
                select
                    k,
                    -- pings spent driving so far: the position only moves on driving legs
                    (k // {leg} // 2) * {leg} + case when (k // {leg}) % 2 = 0 then k % {leg} else {leg} end
                        as driven
                from range(0, {pings}) as k(k)
            ) as k
        ),

        pings as (
            select
                td.technician_id,
                td.vehicle_id,
                td.sync_lag,
                o.is_driving,
                td.shift_start_second + o.offset_second as event_second,
                -- the position on the van's loop, sin(x + phase) and cos(x + phase) from the
                -- sines and cosines of x per ping and of the phase per technician-day
                td.centre_lat + 0.15 * (o.sin_lat * td.cos_phase + o.cos_lat * td.sin_phase) as latitude,
                td.centre_lon + 0.15 * (o.cos_lon * td.cos_phase - o.sin_lon * td.sin_phase) as longitude,
                -- _fivetran_id: the technician and second through a two-round Feistel network (the
                -- second, masked and multiplied by an odd number modulo 2^32, then the technician
                -- xor a hash of that), so the ids look random and are unique as (technician, second) is
                (xor(td.shift_start_second + o.offset_second, td.id_mask) * 1540483477) & 4294967295 as id_low
            from technician_days as td
            {pairing}
        ),

        drawn as (
            select *, hash({s}, id_low) as draw
            from pings
        )

        select
            -- the technician's number, then the epoch second: one cast, no concatenation
            cast(p.technician_id * 10000000000 + p.event_second as varchar) as event_id,
            p.vehicle_id,
            p.technician_id,
            make_timestamp(p.event_second * 1000000) as event_at,
            p.latitude,
            p.longitude,
            -- whole tenths of a mph; separate bits of the draw decide speed, idling and retry delay
            case when p.is_driving then (180 + (p.draw >> 24) % 400) / 10 else 0 end as speed_mph,
            p.is_driving or (p.draw >> 40) % 100 < 35 as ignition_on,
            hex((xor(p.technician_id, cast(p.draw & 16777215 as bigint)) << 32) | p.id_low)
                {" || '-r'" if retried else ""}
                as _fivetran_id,
            make_timestamp(({synced}) * 1000000) as _fivetran_synced
        from drawn as p
        where {' and '.join(conditions)}
    """


def pings_sql(ctx: Context, window: Window) -> str:
    """Every ping of the window, first delivery, stamped with the hourly sync that follows it."""
    return _pings_sql(ctx, window, synced_by=None, retried=False)


def deliveries_sql(ctx: Context, window: Window) -> str:
    """The pings of the window synced by the context's time, plus the duplicates retries leave."""
    return f"""
        select * from ({_pings_sql(ctx, window, synced_by=ctx.as_of_sql, retried=False)}) as first_deliveries
        union all
        -- a retried webhook delivery: same event, new _fivetran_id, a later sync
        select * from ({_pings_sql(ctx, window, synced_by=ctx.as_of_sql, retried=True)}) as retries
    """


def gps_events_window(ctx: Context, technician_filter: str = "true") -> Window:
    """Pings of the last `gps_days` days."""
    first_day = f"date_trunc('day', {ctx.as_of_sql}) - secs({ctx.gps_days - 1} * 86400)"
    return Window(first_day, ctx.gps_days, ctx.as_of_sql, technician_filter=technician_filter)


def gps_events_sql(ctx: Context) -> str:
    """Pings of the last `gps_days` days, synced hourly, plus the duplicates retries leave."""
    return deliveries_sql(ctx, gps_events_window(ctx))


def tables(ctx: Context) -> list[LandedTable]:
    # each part is one technician in PARTS, so the parts are written side by side
    parts = tuple(deliveries_sql(ctx, gps_events_window(ctx, f"technician_id % {PARTS} = {part}"))
                  for part in range(PARTS))
    return [LandedTable(SCHEMA, "gps_events", gps_events_sql(ctx), parts=parts,
                        uncompressed=("event_id", "_fivetran_id"),
                        run_length=("technician_id", "ignition_on", "_fivetran_synced"))]


# --- what a sync changes (tools/rawgen/sync.py orders the sources) ------------------------------


def land_sync(lander: Lander, ctx: Context, batch: Batch, known: Known) -> None:
    """The pings since the last sync, late uploads (overtime), retried deliveries."""
    b, t, technicians = batch.seed, batch.as_of_sql, known.technicians
    last = f"timestamp '{batch.previous:%Y-%m-%d %H:%M:%S}'"
    days = math.ceil((batch.as_of - batch.previous).total_seconds() / 86400) + 1
    first_day = f"date_trunc('day', {last})"
    lander.land("fivetran_telematics.gps_events",
                deliveries_sql(ctx, Window(first_day, days, t, not_before=last)),
                "pings since the last sync")
    late_day = f"date_trunc('day', {t}) - secs({1 + b % 3} * 86400)"
    late = pings_sql(ctx, Window(
        late_day, 1, t, shift_start_hour=0, max_pings=max(1, ctx.pings_per_technician_day // 12),
        technician_filter=f"(technician_id = {1 + b % technicians} or (technician_id + {b}) % 10 = 0)"))
    lander.land(
        "fivetran_telematics.gps_events",
        f"""select * replace (_fivetran_id || '-late' as _fivetran_id,
                              cast({batch.stamp('event_id')} as timestamptz) as _fivetran_synced)
            from ({late}) as late
            where event_id not in (select event_id from fivetran_telematics.gps_events)""",
        "late uploads (overtime)",
    )
