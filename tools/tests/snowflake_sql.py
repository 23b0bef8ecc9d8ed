"""sqlglot's Snowflake dialect as the offline judge of SQL meant for Snowflake.

sqlglot parses queries, CREATE TABLE/VIEW/DATABASE/SCHEMA/WAREHOUSE, object GRANTs and ALTER TABLE
fully. Account-level DDL it does not model (roles, users, resource monitors, masking policies,
future grants, ALTER WAREHOUSE/ACCOUNT) comes back as an opaque `Command`: those statements must
match one of the shapes below, written from Snowflake's reference, and the SQL expressions inside
them (masking policy bodies) are parsed on their own.
"""

from __future__ import annotations

import logging
import re

import sqlglot
from sqlglot import exp

logging.getLogger("sqlglot").setLevel(logging.ERROR)

_NAME = r"[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*){0,2}"
_SETTINGS = r"(?:\s+\w+\s*=\s*(?:'[^']*'|[\w.-]+))+"
_TRIGGERS = r"triggers(?:\s+on\s+\d+\s+percent\s+do\s+(?:notify|suspend|suspend_immediate))+"
COMMAND_SHAPES = [
    rf"alter (table|view) {_NAME} modify column \w+ set masking policy {_NAME} force",
    rf"alter warehouse {_NAME} set{_SETTINGS}",
    rf"alter account set{_SETTINGS}",
    rf"create role if not exists {_NAME}(?: comment = '[^']*')?",
    rf"create user if not exists {_NAME}{_SETTINGS}",
    rf"alter user {_NAME} set{_SETTINGS}",
    rf"create resource monitor if not exists {_NAME} with credit_quota = \d+ frequency = (monthly|weekly|daily|yearly)"
    rf" start_timestamp = immediately {_TRIGGERS}",
    rf"alter resource monitor {_NAME} set credit_quota = \d+ {_TRIGGERS}",
    rf"create masking policy if not exists {_NAME} as \(val (string|float)\) returns (string|float) -> (?P<body>.+?)"
    rf"(?: comment = '[^']*')?",
    rf"alter masking policy {_NAME} set body -> (?P<body>.+)",
    rf"grant role {_NAME} to (role|user) {_NAME}",
    rf"grant database role {_NAME} to role {_NAME}",
    rf"grant select on (all|future) (tables|views) in schema {_NAME} to role {_NAME}",
    rf"grant apply on masking policy {_NAME} to role {_NAME}",
    rf"grant usage, create table, create view on schema {_NAME} to role {_NAME}",
    rf"grant usage, create schema on database {_NAME} to role {_NAME}",
    rf"grant create schema on database {_NAME} to role {_NAME}",
]


def strip_comments(sql: str) -> str:
    return re.sub(r"/\*.*?\*/|--[^\n]*", " ", sql, flags=re.S)


def check_snowflake_sql(sql: str) -> list[exp.Expr]:
    """Parse with the Snowflake dialect; raise AssertionError for SQL that does not parse, or that
    sqlglot only tokenizes (Command) without matching a known shape."""
    try:
        trees = [t for t in sqlglot.parse(sql, read="snowflake") if t is not None]
    except sqlglot.errors.SqlglotError as exc:
        raise AssertionError(f"sqlglot (snowflake) cannot parse:\n{sql[:2000]}\n{exc}") from None
    assert trees, f"no statement in {sql!r}"
    for tree in trees:
        if isinstance(tree, exp.Command):
            text = " ".join(strip_comments(sql).split()).rstrip(";").strip()
            match = next((m for shape in COMMAND_SHAPES
                          if (m := re.fullmatch(shape, text, re.IGNORECASE))), None)
            assert match is not None, f"sqlglot parses this only as an opaque Command, of no known shape:\n{text}"
            body = match.groupdict().get("body")
            if body:
                sqlglot.parse_one(f"select {body} from policy_input", read="snowflake")
    return trees
