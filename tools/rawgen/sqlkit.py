"""Deterministic pseudo-randomness inside DuckDB.

Every random choice is a hash of (seed, row key, a salt naming the choice), so rows can be made
in parallel, in any order, at any scale, and still come out the same for the same seed.
"""

from __future__ import annotations

import duckdb

FIRST_NAMES = [
    "james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda", "david",
    "elizabeth", "william", "barbara", "richard", "susan", "joseph", "jessica", "thomas", "sarah",
    "charles", "karen", "maria", "daniel", "nancy", "matthew", "lisa", "anthony", "betty", "mark",
    "sandra", "donald", "ashley", "steven", "kimberly", "andrew", "emily", "paul", "donna", "joshua",
    "michelle", "kenneth", "carol", "kevin", "amanda", "brian", "melissa", "george", "deborah",
]
LAST_NAMES = [
    "smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez",
    "martinez", "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor", "moore",
    "jackson", "martin", "lee", "perez", "thompson", "white", "harris", "sanchez", "clark", "ramirez",
    "lewis", "robinson", "walker", "young", "allen", "king", "wright", "scott", "torres", "nguyen",
]
STREETS = ["main st", "oak ave", "maple dr", "cedar ln", "pine st", "elm st", "park ave", "lake rd",
           "hill st", "sunset blvd", "river rd", "washington ave"]
COMPANY_WORDS = ["acme", "summit", "pioneer", "keystone", "harbor", "liberty", "granite", "evergreen",
                 "northstar", "bluebird", "redwood", "silverline", "frontier", "heritage", "crescent"]
COMPANY_KINDS = ["properties", "holdings", "dental", "logistics", "restaurants", "medical group",
                 "apartments", "school district", "hotels", "manufacturing", "retail", "offices"]


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_list(values: list[str]) -> str:
    return "[" + ", ".join(sql_string(v) for v in values) + "]"


MACROS = f"""
-- hash(s, salt) is one constant per call site: hashing the salt string on every row would cost
-- more than the rest of the draw
create or replace temp macro u(s, k, salt) as (hash(k, hash(s, salt)) % 1000000007) / 1000000007.0;
create or replace temp macro ui(s, k, salt, lo, hi) as
    cast(lo + floor(u(s, k, salt) * (hi - lo + 1)) as bigint);
create or replace temp macro pick(lst, s, k, salt) as lst[1 + cast(floor(u(s, k, salt) * len(lst)) as bigint)];
create or replace temp macro secs(n) as to_seconds(cast(n as bigint));
-- ts + secs(n) as integer arithmetic, for the expressions every row of a big table goes through:
-- timestamp + interval has to allow for months and days, and costs several times more
create or replace temp macro plus_secs(ts, n) as make_timestamp(epoch_us(ts) + cast(n as bigint) * 1000000);
create or replace temp macro minus_secs(ts, n) as make_timestamp(epoch_us(ts) - cast(n as bigint) * 1000000);
create or replace temp macro first_name(s, k) as pick({sql_list(FIRST_NAMES)}, s, k, 'first');
create or replace temp macro last_name(s, k) as pick({sql_list(LAST_NAMES)}, s, k, 'last');
create or replace temp macro street(s, k) as
    cast(ui(s, k, 'house', 1, 9999) as varchar) || ' ' || pick({sql_list(STREETS)}, s, k, 'street');
create or replace temp macro company(s, k) as
    pick({sql_list(COMPANY_WORDS)}, s, k, 'co1') || ' ' || pick({sql_list(COMPANY_KINDS)}, s, k, 'co2');
create or replace temp macro phone(s, k, salt) as
    '(' || cast(ui(s, k, salt || 'a', 201, 989) as varchar) || ') 555-'
    || lpad(cast(ui(s, k, salt || 'b', 0, 9999) as varchar), 4, '0');
create or replace temp macro sfid(prefix, k) as prefix || 'Dn' || lpad(cast(k as varchar), 13, '0');
-- a job's timeline follows from its key, so a later sync can move it on consistently
create or replace temp macro job_started_at(s, id, scheduled_at) as
    plus_secs(scheduled_at, ui(s, id, 'startlag', 0, 5400));
create or replace temp macro job_completed_at(s, id, scheduled_at, minutes) as
    plus_secs(job_started_at(s, id, scheduled_at), minutes * 60 * (0.5 + u(s, id, 'dur')));
create or replace temp macro job_status_at(s, id, scheduled_at, minutes, moment) as
    case
        when u(s, id, 'cancel') < 0.04 then 'cancelled'
        when scheduled_at > moment then 'scheduled'
        when job_started_at(s, id, scheduled_at) > moment then 'dispatched'
        when job_completed_at(s, id, scheduled_at, minutes) > moment then 'in_progress'
        else 'completed'
    end;
create or replace temp macro job_amount_cents(s, id, base_price_cents) as
    cast(base_price_cents * (0.6 + 1.2 * u(s, id, 'amount')) as bigint);
-- Fivetran writes a row some minutes after the source changed it
create or replace temp macro synced_after(s, k, salt, changed_at, as_of) as
    least(as_of, plus_secs(changed_at, ui(s, k, salt, 60, 900)));
-- when a completed job's invoice gets paid (null: never)
create or replace temp macro paid_at(s, job_id, completed_at) as
    case when u(s, job_id, 'unpaid') >= 0.03 then plus_secs(completed_at, ui(s, job_id, 'paydelay', 0, 45 * 86400)) end;
"""


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Create the helper macros on a connection (temp: they never land in the raw database)."""
    con.execute(MACROS)
