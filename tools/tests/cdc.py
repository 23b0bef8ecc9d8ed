"""Fivetran change batches written straight into a raw DuckDB database, without `tools sync`.

Each change is what a Fivetran sync can land in a table, written the way Fivetran writes it:
a new version of a key (appended, as our generator keeps history, or replacing the key's latest
version in place, as a destination with a primary key does), stamped with the sync's time; at
most one version of a key per sync; deletes as soft deletes (`_fivetran_deleted` or Salesforce's
`is_deleted`); a re-sync rewriting every row and flagging the rows gone from the source; retried
deliveries as exact duplicates; webhook pings arriving late, out of order and twice; new columns.
Seeds (regions, service categories) change as their CSV files do.

The changes pick rows by number (the n-th key, modulo the table's size), so that Hypothesis can
draw and shrink them without knowing the data, and each prints as one readable line.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Protocol

import duckdb
from hypothesis import strategies as st


@dataclass(frozen=True)
class RawTable:
    name: str  # schema.table
    key: tuple[str, ...]
    deleted: str | None  # the soft-delete flag, if the table has one
    foreign_keys: tuple[str, ...] = ()

    @property
    def relation(self) -> str:
        schema, table = self.name.split(".")
        return f'{schema}."{table}"'

    @property
    def key_sql(self) -> str:
        return ", ".join(f'"{k}"' for k in self.key)


# Every CDC table Fivetran lands (the GPS pings and the sheet have changes of their own).
CDC_TABLES: tuple[RawTable, ...] = (
    RawTable("fivetran_postgres.customers", ("id",), "_fivetran_deleted", ("region_id",)),
    RawTable("fivetran_postgres.technicians", ("id",), "_fivetran_deleted", ("region_id",)),
    RawTable("fivetran_postgres.service_types", ("id",), "_fivetran_deleted"),
    RawTable("fivetran_postgres.jobs", ("id",), "_fivetran_deleted", ("customer_id", "technician_id", "service_type_id")),
    RawTable("fivetran_postgres.job_line_items", ("id",), "_fivetran_deleted", ("job_id",)),
    RawTable("fivetran_salesforce.account", ("id",), "is_deleted", ("external_customer_id_c",)),
    RawTable("fivetran_salesforce.contact", ("id",), "is_deleted", ("account_id",)),
    RawTable("fivetran_salesforce.opportunity", ("id",), "is_deleted", ("account_id",)),
    RawTable("fivetran_salesforce.case", ("id",), "is_deleted", ("account_id", "contact_id")),
    RawTable("fivetran_quickbooks.customer", ("id",), "_fivetran_deleted"),
    RawTable("fivetran_quickbooks.invoice", ("id",), "_fivetran_deleted", ("customer_id", "doc_number")),
    RawTable("fivetran_quickbooks.invoice_line", ("invoice_id", "index"), "_fivetran_deleted"),
    RawTable("fivetran_quickbooks.payment", ("id",), "_fivetran_deleted", ("customer_id",)),
    RawTable("fivetran_servicetitan.technician", ("id",), "_fivetran_deleted", ("employee_id",)),
    RawTable("fivetran_servicetitan.job", ("id",), "_fivetran_deleted", ("job_number", "customer_id")),
    RawTable("fivetran_servicetitan.appointment", ("id",), "_fivetran_deleted", ("job_id",)),
    RawTable("fivetran_servicetitan.invoice", ("id",), "_fivetran_deleted", ("job_id",)),
)
TABLES = {t.name: t for t in CDC_TABLES}
SHEET = RawTable("fivetran_sheets.revenue_targets", ("_row",), None)
PINGS = RawTable("fivetran_telematics.gps_events", ("event_id",), None)
SYSTEM_COLUMNS = {"_fivetran_synced", "_fivetran_deleted", "_fivetran_id", "is_deleted"}


@dataclass
class Landing:
    """One sync: its time, the time of the sync before it, and where the project's seeds are."""

    con: duckdb.DuckDBPyConnection
    number: int
    synced_at: datetime
    previous: datetime
    seeds_dir: Path
    new_keys: int = 0

    def stamp(self, key_sql: str) -> str:
        """The sync time a key's row lands with: within the half hour before the sync, per key."""
        return (f"(timestamptz '{self.synced_at:%Y-%m-%d %H:%M:%S}+00' - "
                f"to_seconds(cast(hash({key_sql}, {self.number}) % 1800 as bigint)))")

    @property
    def floor(self) -> str:
        return f"timestamptz '{self.previous:%Y-%m-%d %H:%M:%S}+00'"

    def next_key(self) -> int:
        self.new_keys += 1
        return self.number * 1000 + self.new_keys


class Change(Protocol):
    def apply(self, landing: Landing) -> None: ...


def columns_of(con: duckdb.DuckDBPyConnection, table: RawTable) -> list[tuple[str, str]]:
    schema, name = table.name.split(".")
    return [(c, t) for c, t in con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position", [schema, name]).fetchall()]


def _pick_key(con: duckdb.DuckDBPyConnection, table: RawTable, pick: int, where: str = "true") -> str | None:
    """A SQL predicate selecting the pick-th key (in key order) among those matching `where`."""
    keys = con.execute(f"""
        select {table.key_sql} from (
            select * from {table.relation}
            qualify row_number() over (partition by {table.key_sql} order by _fivetran_synced desc) = 1
        ) as latest
        where {where}
        order by {table.key_sql}""").fetchall()
    if not keys:
        return None
    values = keys[pick % len(keys)]
    return " and ".join(f'"{k}" = {_literal(v)}' for k, v in zip(table.key, values, strict=True))


def _live(table: RawTable) -> str:
    return f"not coalesce({table.deleted}, false)" if table.deleted else "true"


def _literal(value: object) -> str:
    """A SQL literal for a value read back from DuckDB."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, datetime):
        kind = "timestamptz" if value.tzinfo else "timestamp"
        return f"{kind} '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"date '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def _land_version(landing: Landing, table: RawTable, key: str, replace: str, in_place: bool) -> None:
    """A new version of one key: its latest version with `replace` applied, stamped with this sync.

    A key this sync already wrote is rewritten (one version per key and sync); `in_place` drops
    the key's latest version, as an upsert on the primary key does.
    """
    con = landing.con
    stamp = landing.stamp(table.key_sql)
    con.execute(f"""
        create or replace temp table new_version as
        select * replace ({replace + ', ' if replace else ''}{stamp} as _fivetran_synced)
        from {table.relation}
        where {key}
        qualify row_number() over (order by _fivetran_synced desc) = 1""")
    con.execute(f"delete from {table.relation} where {key} and _fivetran_synced > {landing.floor}")
    if in_place:
        con.execute(f"""
            delete from {table.relation}
            where {key} and _fivetran_synced = (select max(_fivetran_synced) from {table.relation} where {key})""")
    con.execute(f"insert into {table.relation} by name select * from new_version")


@dataclass(frozen=True)
class Update:
    """A key's column takes the value another row holds (for a foreign key: another parent), or
    `literal` (SQL): null, or a parent that has not landed yet."""

    table: str
    pick: int
    column: str
    value_pick: int
    in_place: bool = False
    among: str = "true"  # which live rows to pick from (the fixed examples aim at some)
    literal: str | None = None

    def apply(self, landing: Landing) -> None:
        table = TABLES[self.table]
        key = _pick_key(landing.con, table, self.pick, f"{_live(table)} and ({self.among})")
        if key is None:
            return
        if self.literal is None:
            values = landing.con.execute(
                f'select distinct "{self.column}" from {table.relation} order by 1 nulls first').fetchall()
            value = _literal(values[self.value_pick % len(values)][0])
        else:
            value = self.literal
        column_type = dict(columns_of(landing.con, table))[self.column]
        _land_version(landing, table, key, f'cast({value} as {column_type}) as "{self.column}"', self.in_place)

    def __str__(self) -> str:
        value = self.literal if self.literal is not None else f"value#{self.value_pick}"
        return (f"update {self.table} key#{self.pick}" + (f" of those where {self.among}" if self.among != "true" else "")
                + f": {self.column} := {value}" + (" (in place)" if self.in_place else ""))


@dataclass(frozen=True)
class Delete:
    table: str
    pick: int
    in_place: bool = False
    among: str = "true"

    def apply(self, landing: Landing) -> None:
        table = TABLES[self.table]
        key = _pick_key(landing.con, table, self.pick, f"{_live(table)} and ({self.among})")
        if key is not None:
            _land_version(landing, table, key, f"true as {table.deleted}", self.in_place)

    def __str__(self) -> str:
        return (f"delete {self.table} key#{self.pick}" + (f" of those where {self.among}" if self.among != "true" else "")
                + (" (in place)" if self.in_place else ""))


@dataclass(frozen=True)
class Undelete:
    """A deleted key comes back (restored in the source)."""

    table: str
    pick: int
    in_place: bool = False

    def apply(self, landing: Landing) -> None:
        table = TABLES[self.table]
        key = _pick_key(landing.con, table, self.pick, f"not ({_live(table)})")
        if key is not None:
            _land_version(landing, table, key, f"false as {table.deleted}", in_place=self.in_place)

    def __str__(self) -> str:
        return f"undelete {self.table} deleted key#{self.pick}" + (" (in place)" if self.in_place else "")


@dataclass(frozen=True)
class Insert:
    """A new key, a copy of an existing row whose business times lie `days_back` days earlier:
    a late-arriving row. For invoice lines, a new line on the template's invoice. `key`: the new
    key (a parent that rows already name, landing late); else a fresh one. `committed_late`: the
    row is stamped half an hour before the previous sync, as a sync that committed it late
    stamps it (within the base tables' look-back)."""

    table: str
    template_pick: int
    days_back: int
    committed_late: bool = False
    key: int | None = None

    def apply(self, landing: Landing) -> None:
        table = TABLES[self.table]
        con = landing.con
        template = _pick_key(con, table, self.template_pick, _live(table))
        if template is None:
            return
        columns = columns_of(con, table)
        replace = []
        shift = f"interval {self.days_back} day"
        for name, data_type in columns:
            if name in table.key:
                continue
            if data_type in ("TIMESTAMP", "DATE", "TIMESTAMP WITH TIME ZONE") and name not in SYSTEM_COLUMNS:
                replace.append(f'cast("{name}" - {shift} as {data_type}) as "{name}"')
        types = dict(columns)
        if table.key == ("invoice_id", "index"):
            replace.append(f'"index" + 1000 + {landing.next_key()} as "index"')
        else:
            new_key = landing.next_key()
            key_type = types[table.key[0]]
            value = f"'cdc{new_key:06d}'" if key_type == "VARCHAR" else str(10_000_000 + new_key)
            if self.key is not None:
                value = f"'{self.key}'" if key_type == "VARCHAR" else str(self.key)
            replace.append(f'cast({value} as {key_type}) as "{table.key[0]}"')
        if table.deleted:
            replace.append(f"false as {table.deleted}")
        stamp = f"({landing.floor} - interval 30 minute)" if self.committed_late else landing.stamp("1")
        replace.append(f"{stamp} as _fivetran_synced")
        con.execute(f"""
            insert into {table.relation} by name
            select * replace ({', '.join(replace)})
            from {table.relation}
            where {template}
            qualify row_number() over (order by _fivetran_synced desc) = 1""")

    def __str__(self) -> str:
        return (f"insert into {self.table}" + (f" key {self.key}" if self.key is not None else "")
                + f" like key#{self.template_pick}, {self.days_back} days late"
                + (", committed after the previous sync" if self.committed_late else ""))


@dataclass(frozen=True)
class Retry:
    """A retried delivery: the key's latest version (a deletion, it may be) lands again, byte for byte."""

    table: str
    pick: int

    def apply(self, landing: Landing) -> None:
        table = TABLES[self.table]
        key = _pick_key(landing.con, table, self.pick)
        if key is not None:
            landing.con.execute(f"""
                insert into {table.relation} by name
                select * from {table.relation} where {key}
                qualify row_number() over (order by _fivetran_synced desc) = 1""")

    def __str__(self) -> str:
        return f"retried delivery of {self.table} key#{self.pick}"


@dataclass(frozen=True)
class Resync:
    """Fivetran re-syncs the table: every row written again, the ones gone from the source
    (about `gone_percent` of them) flagged deleted."""

    table: str
    gone_percent: int

    def apply(self, landing: Landing) -> None:
        table = TABLES.get(self.table, SHEET if self.table == SHEET.name else None)
        assert table is not None, self.table
        con = landing.con
        replace = [f"{landing.stamp(table.key_sql)} as _fivetran_synced"]
        if table.deleted:
            gone = f"hash({table.key_sql}, {landing.number}, 'gone') % 100 < {self.gone_percent}"
            replace.append(f"coalesce({table.deleted}, false) or ({gone}) as {table.deleted}")
        con.execute(f"""
            create or replace temp table resynced as
            select * replace ({', '.join(replace)})
            from {table.relation}
            qualify row_number() over (partition by {table.key_sql} order by _fivetran_synced desc) = 1""")
        con.execute(f"delete from {table.relation} where _fivetran_synced > {landing.floor}")
        con.execute(f"insert into {table.relation} by name select * from resynced")

    def __str__(self) -> str:
        return f"re-sync of {self.table}, {self.gone_percent}% gone from the source"


@dataclass(frozen=True)
class AddColumn:
    """Schema drift: the source gains a column, which Fivetran adds to the table."""

    table: str

    def apply(self, landing: Landing) -> None:
        table = TABLES[self.table]
        landing.con.execute(f"alter table {table.relation} add column if not exists cdc_new_column varchar")

    def __str__(self) -> str:
        return f"new column in {self.table}"


@dataclass(frozen=True)
class Pings:
    """A van uploads `count` pings of a day `days_back` days ago, from `minute` past noon UTC on:
    late, and out of order when the day already has later pings."""

    technician_pick: int
    days_back: int
    minute: int
    count: int
    north: float = 0.0  # degrees: two uploads of one second at two places

    def apply(self, landing: Landing) -> None:
        con = landing.con
        technicians = [r[0] for r in con.execute(
            f"select distinct technician_id from {PINGS.relation} order by 1").fetchall()]
        technician = technicians[self.technician_pick % len(technicians)]
        first = landing.next_key()
        day = landing.synced_at.date() - timedelta(days=self.days_back)
        con.execute(f"""
            insert into {PINGS.relation} by name
            select
                'cdc-' || cast({first} as varchar) || '-' || cast(i as varchar) as event_id,
                (select min(vehicle_id) from {PINGS.relation} where technician_id = {technician}) as vehicle_id,
                {technician} as technician_id,
                timestamp '{day} 12:00:00' + to_minutes({self.minute}) + to_seconds(cast(i * 37 as bigint)) as event_at,
                40.0 + {self.north} + i * 0.001 as latitude,
                -75.0 - i * 0.001 as longitude,
                cast(i % 3 * 15 as double) as speed_mph,
                i % 4 <> 0 as ignition_on,
                md5('cdc-' || cast({first} as varchar) || '-' || cast(i as varchar)) as _fivetran_id,
                {landing.stamp('i')} as _fivetran_synced
            from range({self.count}) as r(i)""")

    def __str__(self) -> str:
        return (f"{self.count} pings of technician#{self.technician_pick}, {self.days_back} days back, "
                f"from minute {self.minute}" + (f", {self.north} degrees north" if self.north else ""))


@dataclass(frozen=True)
class RetriedPing:
    """A webhook delivers a ping again, under a new _fivetran_id, later: the first delivery wins."""

    pick: int

    def apply(self, landing: Landing) -> None:
        key = _pick_key(landing.con, PINGS, self.pick)
        if key is not None:
            landing.con.execute(f"""
                insert into {PINGS.relation} by name
                select * replace (_fivetran_id || '-retry' as _fivetran_id,
                                  {landing.stamp('event_id')} as _fivetran_synced)
                from {PINGS.relation} where {key}
                qualify row_number() over (order by _fivetran_synced) = 1""")

    def __str__(self) -> str:
        return f"retried delivery of ping#{self.pick}"


@dataclass(frozen=True)
class EarlierDelivery:
    """A ping's first delivery, committed after its later delivery was read: stamped 45 minutes
    before the previous sync, earlier than the delivery landed in that sync's last half hour."""

    pick: int

    def apply(self, landing: Landing) -> None:
        key = _pick_key(landing.con, PINGS, self.pick,
                        f"_fivetran_synced > {landing.floor} - interval 30 minute")
        if key is not None:
            landing.con.execute(f"""
                insert into {PINGS.relation} by name
                select * replace (_fivetran_id || '-first' as _fivetran_id,
                                  {landing.floor} - interval 45 minute as _fivetran_synced)
                from {PINGS.relation} where {key}
                qualify row_number() over (order by _fivetran_synced) = 1""")

    def __str__(self) -> str:
        return f"first delivery of recent ping#{self.pick}, committed late"


SEED_COLUMNS = {
    "seed_regions": ("region_name", "division"),
    "seed_service_categories": ("service_category_name", "revenue_group"),
}


@dataclass(frozen=True)
class SeedEdit:
    """A pull request edits a seed: a value changes (another row's), or a row is removed."""

    seed: str
    row_pick: int
    column: str | None  # None: the row is removed

    def apply(self, landing: Landing) -> None:
        path = landing.seeds_dir / f"{self.seed}.csv"
        with path.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        if len(rows) <= 1:
            return
        index = self.row_pick % len(rows)
        if self.column is None:
            del rows[index]
        else:
            rows[index][self.column] = rows[(index + 1) % len(rows)][self.column] + " (renamed)"
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    def __str__(self) -> str:
        what = f"{self.column} changed" if self.column else "removed"
        return f"{self.seed} row#{self.row_pick} {what}"


# What runs after a sync lands: the whole incremental build, compared with a full refresh
# ("build", or "backfill": the build with backfill_start set); or no build yet ("nothing"), a
# build of staging only ("staging"), or one model rebuilt whole on its own ("refresh:<model>"),
# after which the next comparison shows whether the incremental models caught up.
AFTER = ("build", "backfill", "nothing", "staging", "refresh:int_jobs_enriched", "refresh:fct_jobs",
         "refresh:base_postgres__job_line_items")


@dataclass(frozen=True)
class Batch:
    """The changes one Fivetran sync lands, hours after the previous one, and what runs after it."""

    changes: tuple[Change, ...]
    hours: int = 6
    after: str = "build"

    @property
    def compared(self) -> bool:
        return self.after in ("build", "backfill")

    def __str__(self) -> str:
        then = "" if self.after == "build" else f", then {self.after}"
        return f"sync after {self.hours} h{then}: " + "; ".join(str(c) for c in self.changes)


def land(con: duckdb.DuckDBPyConnection, batch: Batch, number: int, previous: datetime,
         seeds_dir: Path) -> datetime:
    """Write the batch into raw, in one transaction; returns the sync's time."""
    synced_at = previous + timedelta(hours=batch.hours)
    landing = Landing(con, number, synced_at, previous, seeds_dir)
    con.execute("begin transaction")
    try:
        for change in batch.changes:
            change.apply(landing)
        # what `tools sync` records too: a later sync starts from here
        con.execute("update _fieldforce_generator.state set landed_until = ?, batches = batches + 1",
                    [synced_at])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return synced_at


# --- Hypothesis strategies --------------------------------------------------------------------

@dataclass(frozen=True)
class Schema:
    """The columns of each raw table, read once from the raw database the tests start from."""

    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> Schema:
        return cls({t.name: tuple(c for c, _ in columns_of(con, t)) for t in CDC_TABLES})

    def data_columns(self, table: RawTable) -> tuple[str, ...]:
        return tuple(c for c in self.columns[table.name] if c not in table.key and c not in SYSTEM_COLUMNS)


picks = st.integers(min_value=0, max_value=10_000)


# The tables incremental models read, whose changes are the ones that can break them: drawn
# four times as often as the others, which feed only tables rebuilt whole.
FED_TO_INCREMENTALS = tuple(TABLES[name] for name in (
    "fivetran_postgres.jobs", "fivetran_postgres.job_line_items", "fivetran_postgres.service_types",
    "fivetran_quickbooks.invoice", "fivetran_quickbooks.invoice_line",
    "fivetran_servicetitan.job", "fivetran_servicetitan.appointment",
))


def changes(schema: Schema) -> st.SearchStrategy[Change]:
    tables = st.sampled_from(CDC_TABLES + FED_TO_INCREMENTALS * 3)
    names = tables.map(lambda t: t.name)

    def update(table: RawTable) -> st.SearchStrategy[Change]:
        # foreign keys more likely than any other column: re-parenting is what breaks incrementals
        columns = st.one_of(st.sampled_from(schema.data_columns(table)),
                            st.sampled_from(table.foreign_keys or schema.data_columns(table)))
        return st.builds(Update, st.just(table.name), picks, columns, picks, st.booleans())

    updates = tables.flatmap(update)
    deletes = st.builds(Delete, names, picks, st.booleans())
    return st.one_of(
        updates, updates, updates,
        deletes, deletes,
        st.builds(Undelete, names, picks),
        st.builds(Insert, names, picks, st.sampled_from([0, 3, 45, 200]), st.booleans()),
        st.builds(Retry, names, picks),
        st.builds(Resync, st.sampled_from([t.name for t in CDC_TABLES] + [SHEET.name]), st.sampled_from([0, 5, 50])),
        st.builds(AddColumn, names),
        st.builds(Pings, picks, st.integers(0, 40), st.integers(-300, 600), st.integers(1, 30),
                  st.sampled_from([0.0, 0.01])),
        st.builds(RetriedPing, picks),
        st.builds(EarlierDelivery, picks),
        st.sampled_from(list(SEED_COLUMNS)).flatmap(lambda seed: st.builds(
            SeedEdit, st.just(seed), picks, st.one_of(st.none(), st.sampled_from(SEED_COLUMNS[seed])))),
    )


def batches(schema: Schema, max_changes: int = 16) -> st.SearchStrategy[Batch]:
    # mostly a full build after each sync, as the daily schedule runs; the rest of the time
    # something that leaves the incremental models behind, for the next build to catch up
    after = st.one_of(st.just("build"), st.just("build"), st.just("build"), st.sampled_from(AFTER))
    return st.builds(Batch, st.lists(changes(schema), min_size=1, max_size=max_changes).map(tuple),
                     st.sampled_from([1, 6, 24]), after)


_PAID_ON_A_DAY_WITH = """transaction_date in (
    select transaction_date from fivetran_quickbooks.invoice
    group by transaction_date having count(distinct id) filter (where balance = 0 and not _fivetran_deleted) = {n})"""

# Every kind of change at least once, each on its own rows (a line moved while its old job is
# otherwise untouched, and so on), and every kind of run after a sync: the fixed example the
# property test always runs first.
LATE_JOB, LATE_JOB_OF_A_LINE = 10_999_999, 10_999_998
EVERY_KIND: tuple[Batch, ...] = (
    Batch((
        Update("fivetran_postgres.job_line_items", 7, "job_id", 123),  # a line moved to another job
        Delete("fivetran_postgres.job_line_items", 20),  # a line deleted alone
        Update("fivetran_postgres.job_line_items", 9, "amount_cents", 5),  # a line's amount corrected
        Delete("fivetran_postgres.jobs", 30),  # a job deleted alone, its lines kept
        Delete("fivetran_postgres.service_types", 2),  # a service type deleted
        Update("fivetran_postgres.service_types", 6, "category_code", 1),  # a service re-categorised
        Delete("fivetran_servicetitan.appointment", 3),  # an appointment cancelled
        Delete("fivetran_servicetitan.job", 5),  # a ServiceTitan job deleted alone
        Update("fivetran_servicetitan.appointment", 8, "job_id", 40),  # an appointment moved
        Update("fivetran_servicetitan.job", 9, "job_number", 77),  # a ServiceTitan job re-linked
        Insert("fivetran_servicetitan.appointment", 2, 0),  # a second appointment at the same time
        Delete("fivetran_quickbooks.invoice_line", 11),  # an invoice line deleted alone
        Update("fivetran_quickbooks.invoice", 12, "balance", 0),  # an invoice paid
        Update("fivetran_quickbooks.invoice", 13, "doc_number", 99),  # an invoice billing another job
        # rows naming parents that have not landed yet (they land in the third sync)
        Update("fivetran_quickbooks.invoice", 14, "doc_number", 0, among="balance = 0", literal=f"'FF-{LATE_JOB}'"),
        Update("fivetran_postgres.job_line_items", 31, "job_id", 0, literal=str(LATE_JOB_OF_A_LINE)),
        Update("fivetran_postgres.jobs", 40, "service_type_id", 0, literal="null"),  # a foreign key cleared
        # a paid invoice without a date: a day of revenue whose key is null (another joins it later)
        Update("fivetran_quickbooks.invoice", 20, "transaction_date", 0, among="balance = 0", literal="null"),
        Update("fivetran_postgres.jobs", 14, "customer_id", 5, in_place=True),  # a job to another customer
        Update("fivetran_postgres.jobs", 15, "technician_id", 3),  # ... and to another technician
        Update("fivetran_postgres.customers", 16, "region_id", 2),  # a customer moving region
        Update("fivetran_servicetitan.technician", 1, "employee_id", 4),  # a ServiceTitan technician re-linked
        Update("fivetran_salesforce.account", 2, "industry", 3),
        Insert("fivetran_postgres.jobs", 17, 45),  # a job booked weeks ago, landing now
        Insert("fivetran_postgres.job_line_items", 18, 200),  # a line months late
        Insert("fivetran_quickbooks.invoice_line", 19, 3),  # a line added to an invoice
        Insert("fivetran_postgres.job_line_items", 21, 0, committed_late=True),  # within the look-back
        Retry("fivetran_postgres.jobs", 19),  # a retried delivery
        Retry("fivetran_postgres.job_line_items", 0),  # ... of a deletion, it may be
        Pings(0, 3, -120, 10),  # a van uploading three-day-old pings, before the day's first
        Pings(1, 0, 600, 5),  # pings after the day's last: the route is extended
        # a day with no pings yet: two uploads of the same seconds from two places, its last pings
        Pings(2, 10, 700, 2),
        Pings(2, 10, 700, 2, north=0.01),
        RetriedPing(21),
        SeedEdit("seed_regions", 1, "division"),
    ), hours=6),
    Batch((
        # the line moved again, and again in the next sync: int_jobs_enriched, which the next two
        # runs leave out, sees both moves at once
        Update("fivetran_postgres.job_line_items", 7, "job_id", 200),
        Delete("fivetran_postgres.job_line_items", 22),
        Pings(1, 0, 640, 3),
        Pings(3, 0, 650, 3),
        Pings(2, 10, 710, 2),  # after the two places of one second: extended from one of them
    ), hours=1, after="staging"),
    Batch((
        Update("fivetran_postgres.job_line_items", 7, "job_id", 300),
        Undelete("fivetran_postgres.job_line_items", 0),  # deleted the sync before, back before a build
        Undelete("fivetran_postgres.jobs", 0, in_place=True),  # keys that come back after their deletion
        Undelete("fivetran_postgres.service_types", 0),
        Undelete("fivetran_servicetitan.appointment", 0),
        Insert("fivetran_postgres.jobs", 3, 60, key=LATE_JOB),  # the parents named in the first sync land
        Insert("fivetran_postgres.jobs", 4, 60, key=LATE_JOB_OF_A_LINE),
        EarlierDelivery(0),  # a first delivery committed after its retry was read
        Delete("fivetran_postgres.jobs", 100, in_place=True),
        Delete("fivetran_postgres.customers", 4),  # a customer deleted, their jobs kept
        Delete("fivetran_postgres.technicians", 1),  # referenced rows deleted on their own
        Delete("fivetran_servicetitan.technician", 2),
        Delete("fivetran_quickbooks.customer", 3),
        Delete("fivetran_salesforce.account", 4),
        # paid invoices voided: the only one of its day (the day leaves fct_revenue), and one of
        # two (the day keeps the other's row)
        Delete("fivetran_quickbooks.invoice", 6, among=f"balance = 0 and {_PAID_ON_A_DAY_WITH.format(n=1)}"),
        Delete("fivetran_quickbooks.invoice", 6, among=f"balance = 0 and {_PAID_ON_A_DAY_WITH.format(n=2)}"),
        Update("fivetran_quickbooks.invoice", 3, "balance", 50, among="balance = 0"),  # a paid one owed again
        Update("fivetran_quickbooks.invoice_line", 4, "amount", 7),
    ), hours=24, after="nothing"),
    Batch((
        Resync("fivetran_servicetitan.appointment", 5),  # a re-sync, a few rows gone from the source
        Resync("fivetran_quickbooks.invoice_line", 0),  # a re-sync that changes no value
        Resync(SHEET.name, 0),  # finance edited the targets sheet
        AddColumn("fivetran_postgres.jobs"),  # schema drift
        Insert("fivetran_postgres.jobs", 5, 0),
        Update("fivetran_postgres.job_line_items", 40, "job_id", 11),
        SeedEdit("seed_service_categories", 2, None),  # a category removed from the seed
    ), hours=6, after="refresh:fct_jobs"),
    Batch((
        Delete("fivetran_postgres.job_line_items", 50),
        Update("fivetran_postgres.jobs", 60, "status", 1),
        Update("fivetran_quickbooks.invoice", 21, "transaction_date", 0, among="balance = 0", literal="null"),
        Pings(4, 2, 100, 4),
    ), hours=6, after="backfill"),
)
