"""Server-side adjustments to fakesnow 0.12.1, applied in the server process before it starts.

Each adjustment is a rewrite of the parsed statement (before fakesnow's own transforms run) or a
wrapper around one of fakesnow's functions. Every one names the dbt statement that fails on stock
fakesnow 0.12.1 and why the change is safe. They change how the emulator executes Snowflake SQL,
never the SQL dbt sends, so what passes here is what dbt-snowflake sends to Snowflake. docs/ci.md
lists them.

Only fakesnow 0.12.1 is supported: `apply()` refuses any other version, since the functions it
wraps are private and change between releases.

Over 400 lines on purpose: a flat list of small, independent patches, each with the failure it
answers, that `apply()` installs together and `--stock` leaves out together.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from importlib.metadata import version
from typing import Any

from sqlglot import Expr, exp

SUPPORTED_FAKESNOW = "0.12.1"

logger = logging.getLogger("tools.emulator")

# (name, rewrite) pairs: each takes the statement's expression and the cursor, returns an expression.
Rewrite = Callable[[Expr, Any], Expr]
REWRITES: list[tuple[str, Rewrite]] = []


def rewrite(fn: Rewrite) -> Rewrite:
    REWRITES.append((fn.__name__, fn))
    return fn


# ------------------------------------------------------------------------------------------------
# 1. Qualified TEMPORARY relations.
#
# Fails on stock: dbt-snowflake's unit tests (and `--empty`/incremental temp relations) run
#   create or replace temporary table ANALYTICS_CI.ci_core.<name>__dbt_tmp as (...)
# DuckDB keeps temporary objects only in its `temp` catalog: "Parser Error: TEMPORARY table names
# can *only* use the "temp" catalog". Snowflake allows a temporary table in any schema.
#
# Adjustment: a temporary table or view named with a database is created as an ordinary one in
# that database and schema. Safe: dbt names these relations uniquely (`__dbt_tmp` suffix), refers
# to them by the same qualified name afterwards and drops or replaces them itself; the only
# difference from Snowflake is that one left behind outlives the session (harmless to a CI run,
# which is thrown away).
# ------------------------------------------------------------------------------------------------
@rewrite
def qualified_temporary_relations(expression: Expr, cursor: Any) -> Expr:
    if not (isinstance(expression, exp.Create) and expression.kind in ("TABLE", "VIEW")):
        return expression
    table = expression.this.this if isinstance(expression.this, exp.Schema) else expression.this
    if not (isinstance(table, exp.Table) and table.args.get("catalog")):
        return expression
    properties = expression.args.get("properties")
    if properties is None:
        return expression
    temporary = [p for p in properties.expressions if isinstance(p, (exp.TemporaryProperty, exp.VolatileProperty))]
    for prop in temporary:
        prop.pop()
    if temporary and not properties.expressions:
        expression.set("properties", None)
    return expression


# ------------------------------------------------------------------------------------------------
# 2. MERGE ... WHEN NOT MATCHED THEN INSERT (...) VALUES (<unqualified columns>).
#
# Fails on stock: the second run of a snapshot (dbt-snowflake's snapshot_merge_sql) and of an
# incremental model with the merge strategy:
#   merge into T as DBT_INTERNAL_DEST using S as DBT_INTERNAL_SOURCE on ...
#   when not matched then insert ("CUSTOMER_ID", ...) values ("CUSTOMER_ID", ...)
# fakesnow runs a MERGE as a join of target and source and copies the VALUES expressions into its
# select list as written, so an unqualified column present on both sides is "Ambiguous reference
# to column name" in DuckDB. The first run passes because it is a CREATE TABLE AS, not a MERGE.
#
# Adjustment: unqualified columns in a NOT MATCHED clause's VALUES and condition are qualified
# with the source's alias. Safe: Snowflake resolves them against the source only (a row that did
# not match has no target row), so the qualified statement means exactly what dbt sent.
# ------------------------------------------------------------------------------------------------
@rewrite
def merge_insert_values_from_source(expression: Expr, cursor: Any) -> Expr:
    if not isinstance(expression, exp.Merge):
        return expression
    source = expression.args.get("using")
    alias = source.alias_or_name if source is not None else None
    if not alias:
        return expression
    for when in expression.args["whens"]:
        then = when.args.get("then")
        if when.args.get("matched") or not isinstance(then, exp.Insert):
            continue
        parts = [then.expression] + ([when.args["condition"]] if when.args.get("condition") else [])
        for part in parts:
            for column in list(part.find_all(exp.Column)):
                if not column.table:
                    column.set("table", exp.to_identifier(alias))
    return expression


# ------------------------------------------------------------------------------------------------
# 3. Metadata bookkeeping inside a transaction.
#
# Fails on stock: a snapshot's second run sends `begin; merge into ...; commit;`. fakesnow records
# the varchar lengths of every table it creates (including the merge's own work table) in its
# `_fs_global` database; inside the open transaction DuckDB refuses: "a single transaction can
# only write to a single attached database".
#
# Adjustment: that bookkeeping (varchar lengths, table comments) is written on a separate DuckDB
# cursor, in its own transaction, as fakesnow already does for file formats. Safe: it is metadata
# about the table for information_schema; the table's data stays in the caller's transaction.
# ------------------------------------------------------------------------------------------------
def _install_metadata_outside_transactions() -> None:
    from fakesnow import info_schema
    from fakesnow.cursor import FakeSnowflakeCursor

    original = FakeSnowflakeCursor._execute  # noqa: SLF001

    def _execute(self: Any, transformed: Expr, params: Any = None) -> None:
        comment = transformed.args.get("table_comment")
        lengths = transformed.args.get("text_lengths")
        table = transformed.find(exp.Table) if lengths else None
        if comment:
            transformed.set("table_comment", None)
        if lengths:
            transformed.set("text_lengths", None)
        original(self, transformed, params)
        if not (comment or (lengths and table)):
            return
        with self._duck_conn.cursor() as meta:
            if comment:
                ctable, text = comment
                catalog = ctable.catalog or self._conn.database
                schema = ctable.db or self._conn.schema
                meta.execute(info_schema.insert_table_comment_sql(catalog, schema, ctable.name, text))
            if lengths and table:
                catalog = table.catalog or self._conn.database
                schema = table.db or self._conn.schema
                meta.execute(info_schema.insert_text_lengths_sql(catalog, schema, table.name, lengths))

    FakeSnowflakeCursor._execute = _execute  # type: ignore[method-assign]  # noqa: SLF001


# ------------------------------------------------------------------------------------------------
# 4. A failed statement does not poison the session.
#
# Fails on stock: when a statement fails inside `begin; ...; commit;` (a snapshot's merge, an
# incremental model's delete/insert), DuckDB marks the whole transaction aborted and rejects every
# later statement of that session ("Current transaction is aborted (please ROLLBACK)"); dbt reuses
# the session, so one failure fails every model after it. On Snowflake a failed statement leaves
# the session usable.
#
# Adjustment: after a statement fails inside a transaction, the transaction is rolled back. Safe:
# dbt never commits a transaction whose statement failed (the node fails), so nothing that would
# have been committed is lost; it only keeps the next node's statements from failing spuriously.
# ------------------------------------------------------------------------------------------------
def _install_rollback_on_error() -> None:
    from fakesnow.cursor import FakeSnowflakeCursor

    original = FakeSnowflakeCursor.execute

    def execute(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return original(self, *args, **kwargs)
        except Exception:
            # An explicit `begin` (dbt sends one with autocommit on) opens a DuckDB transaction
            # that fakesnow does not track, so roll back whatever is open; with nothing open,
            # DuckDB says so and nothing happens.
            with contextlib.suppress(Exception):  # no transaction was open
                self._duck_conn.rollback()
            self._conn._in_transaction = False  # noqa: SLF001
            raise

    FakeSnowflakeCursor.execute = execute  # type: ignore[method-assign]


# ------------------------------------------------------------------------------------------------
# 5. SUM/AVG of a NUMBER stays an exact NUMBER.
#
# Wrong on stock (no error, different results): fakesnow wraps the argument of every numeric
# aggregate in TRY_CAST(... AS DOUBLE), to imitate Snowflake's implicit cast of VARCHAR; so
# `sum(total_amount)` over NUMBER(18,2) becomes a floating-point sum, 799.35 comes back as
# 799.3499999..., and `round(799.35 / 2, 2)` gives 399.67 where Snowflake (exact NUMBER sum)
# gives 399.68. fct_revenue and fct_technician_performance differed from DuckDB in hundreds of rows.
#
# Adjustment: the cast is left out; the aggregate runs on the column's own type, as on Snowflake.
# Safe: the project never aggregates a VARCHAR column; one that did would fail loudly on the
# emulator (DuckDB rejects sum(varchar)) instead of silently computing in floating point.
# The projection naming the transform also does (`SUM(AMOUNT)` for an unaliased aggregate) is kept.
# ------------------------------------------------------------------------------------------------
def _install_exact_numeric_aggregates() -> None:
    import fakesnow.transforms as transforms

    original = transforms.numeric_agg_implicit_cast

    def numeric_agg_implicit_cast(expression: Expr) -> Expr:
        was_cast = isinstance(expression, exp.AggFunc) and isinstance(expression.this, (exp.Cast, exp.TryCast))
        result = original(expression)
        if was_cast or not isinstance(expression, exp.AggFunc):
            return result
        # the aggregate itself, or its copy inside the alias the transform may have wrapped it in
        for agg in {id(expression): expression, id(result.this): result.this}.values():
            if isinstance(agg, exp.AggFunc) and isinstance(agg.this, exp.TryCast):
                agg.set("this", agg.this.this)
        return result

    transforms.numeric_agg_implicit_cast = numeric_agg_implicit_cast


# ------------------------------------------------------------------------------------------------
# 6. Access control: GRANT, REVOKE, SHOW GRANTS.
#
# Fails on stock: dbt's `grants` config (prod's per-layer grants, dbt_project.yml) and the
# platform setup (dbt run-operation platform_setup) send `show grants on <relation>`, `grant
# select on ... to role ...`, `revoke ...`: "Parser Error: syntax error at or near GRANT". DuckDB
# has no roles.
#
# Adjustment: GRANT and REVOKE succeed without effect; SHOW GRANTS returns no rows, with the
# columns Snowflake's has (dbt reads privilege, granted_to, grantee_name). Safe for what the
# emulator is for (the SQL runs and the data is right); it does not check privileges, which the
# offline Snowflake dry run (docs/snowflake.md) and Snowflake itself do.
# ------------------------------------------------------------------------------------------------
NO_OP_STATEMENTS = [
    r"\s*(grant|revoke)\s",
    # 7. (below)
    r"\s*create\s+(or\s+replace\s+)?(masking|row\s+access)\s+policy\s",
    r"\s*alter\s+(table|view)\s+\S+\s+(modify|alter)\s+column\s+.*\s(set|unset)\s+masking\s+policy",
    r"\s*alter\s+(table|view)\s+\S+\s+(add|drop)\s+row\s+access\s+policy",
    r"\s*alter\s+(masking|row\s+access)\s+policy\s",
    r"\s*drop\s+(masking|row\s+access)\s+policy\s",
    # 10. (below)
    r"\s*use\s+(role|secondary\s+roles|warehouse)\s",
    r"\s*create\s+(or\s+replace\s+)?(warehouse|role|database\s+role|resource\s+monitor|user)\s",
    r"\s*alter\s+(warehouse|role|database\s+role|resource\s+monitor|user|account)\s",
    r"\s*drop\s+(warehouse|role|database\s+role|resource\s+monitor|user)\s",
]

SHOW_GRANTS_RESULT = (
    "select cast(null as timestamptz) as \"created_on\", cast(null as varchar) as \"privilege\", "
    "cast(null as varchar) as \"granted_on\", cast(null as varchar) as \"name\", "
    "cast(null as varchar) as \"granted_to\", cast(null as varchar) as \"grantee_name\", "
    "cast(null as varchar) as \"grant_option\", cast(null as varchar) as \"granted_by\" limit 0"
)


@rewrite
def show_grants(expression: Expr, cursor: Any) -> Expr:
    if isinstance(expression, exp.Command) and expression.this.upper() == "SHOW" and \
            str(expression.expression).strip().upper().startswith("GRANTS"):
        from fakesnow.dialect import parse_one

        return parse_one(SHOW_GRANTS_RESULT)
    return expression


# ------------------------------------------------------------------------------------------------
# 7. Dynamic data masking and row access policies.
#
# Fails on stock: the masking post-hook of the marts (macros/snowflake/apply_masking_policies.sql) sends
#   alter table ... modify column customer_email set masking policy ...SECURITY.PII_EMAIL force
# and the platform setup `create masking policy ...`: syntax errors in DuckDB, which has neither.
# (The project switches governance off on the `emulator` target; `--vars
# '{snowflake_governance: true}'` sends these statements, and then they must not fail.)
#
# Adjustment: creating, altering, dropping, setting and unsetting masking and row access
# policies succeed without effect (the NO_OP_STATEMENTS above, through fakesnow's nop_regexes).
# Safe: policies change what a role sees, never what a model computes; the emulator compares
# data as the dbt role (which sees everything) would. Masking is verified elsewhere (docs/snowflake.md).
# ------------------------------------------------------------------------------------------------
# ------------------------------------------------------------------------------------------------
# 10. Account-level objects: warehouses, resource monitors, roles, users, account parameters.
#
# Fails on stock: the platform setup (`dbt run-operation platform_setup --args '{dry_run: false}'`,
# macros/snowflake/platform.sql) begins `use role sysadmin; create warehouse if not exists
# INGEST_WH ...`: "syntax error at or near WAREHOUSE"; then resource monitors, roles and users.
#
# Adjustment: these succeed without effect (NO_OP_STATEMENTS). CREATE DATABASE and CREATE SCHEMA
# in the same setup run for real. Safe: DuckDB has no compute, credits, roles or users to
# configure; what dbt builds afterwards does not depend on them on the emulator.
# ------------------------------------------------------------------------------------------------
def _install_no_op_statements() -> None:
    from fakesnow.instance import FakeSnow

    original = FakeSnow.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs["nop_regexes"] = [*(kwargs.get("nop_regexes") or []), *NO_OP_STATEMENTS]
        original(self, *args, **kwargs)

    FakeSnow.__init__ = __init__  # type: ignore[method-assign]


# ------------------------------------------------------------------------------------------------
# 8. Views in information_schema.tables.
#
# Wrong on stock: fakesnow's information_schema.tables lists base tables only, so `dbt docs
# generate` (dbt-snowflake's catalog query reads information_schema.tables) leaves every view
# (the staging layer, the secure RLS views) out of catalog.json. Snowflake lists views there with
# table_type 'VIEW'.
#
# Adjustment: the view fakesnow creates in each database for information_schema.tables also lists
# DuckDB's views, as table_type 'VIEW' (created or replaced, so database files of earlier runs
# get it too). Safe: read-only metadata, in Snowflake's own shape.
# ------------------------------------------------------------------------------------------------
INFORMATION_SCHEMA_TABLES = """
create or replace view ${catalog}._fs_information_schema._fs_tables AS
with objects as (
    select database_name, schema_name, table_name, estimated_size, 'BASE TABLE' as table_type
    from duckdb_tables
    union all
    select database_name, schema_name, view_name, null, 'VIEW'
    from duckdb_views
    where not internal
)
select
    objects.database_name AS "TABLE_CATALOG",
    objects.schema_name AS "TABLE_SCHEMA",
    objects.table_name AS "TABLE_NAME",
    'SYSADMIN' AS "TABLE_OWNER",
    objects.table_type AS "TABLE_TYPE",
    'NO' AS "IS_TRANSIENT",
    NULL::VARCHAR AS "CLUSTERING_KEY",
    objects.estimated_size AS "ROW_COUNT",
    0 AS "BYTES",
    1 AS "RETENTION_TIME",
    NULL::VARCHAR AS "SELF_REFERENCING_COLUMN_NAME",
    NULL::VARCHAR AS "REFERENCE_GENERATION",
    NULL::VARCHAR AS "USER_DEFINED_TYPE_CATALOG",
    NULL::VARCHAR AS "USER_DEFINED_TYPE_SCHEMA",
    NULL::VARCHAR AS "USER_DEFINED_TYPE_NAME",
    case when objects.table_type = 'VIEW' then 'NO' else 'YES' end AS "IS_INSERTABLE_INTO",
    'YES' AS "IS_TYPED",
    NULL::VARCHAR AS "COMMIT_ACTION",
    to_timestamp(0)::timestamptz AS "CREATED",
    to_timestamp(0)::timestamptz AS "LAST_ALTERED",
    to_timestamp(0)::timestamptz AS "LAST_DDL",
    'SYSADMIN' AS "LAST_DDL_BY",
    'NO' AS "AUTO_CLUSTERING_ON",
    _fs_tables_ext.comment AS "COMMENT",
    'NO' AS "IS_TEMPORARY",
    'NO' AS "IS_ICEBERG",
    'NO' AS "IS_DYNAMIC",
    'NO' AS "IS_IMMUTABLE",
    'NO' AS "IS_HYBRID"
from objects
left join _fs_global._fs_information_schema._fs_tables_ext on
    objects.database_name = _fs_tables_ext.ext_table_catalog AND
    objects.schema_name = _fs_tables_ext.ext_table_schema AND
    objects.table_name = _fs_tables_ext.ext_table_name
where objects.database_name = '${catalog}'
  and objects.schema_name not in ('_fs_information_schema', 'information_schema', 'pg_catalog')
"""


def _install_views_in_information_schema() -> None:
    from string import Template

    from fakesnow import info_schema

    info_schema.SQL_CREATE_INFORMATION_SCHEMA_TABLES_VIEW = Template(INFORMATION_SCHEMA_TABLES)


# ------------------------------------------------------------------------------------------------
# 9. SNOWFLAKE.ACCOUNT_USAGE exists (empty).
#
# Fails on stock: the audit view models/marts/audit/v_data_access_log.sql (built when governance is
# on: `--vars '{snowflake_governance: true}'`) reads snowflake.account_usage.query_history and
# access_history: "Catalog Error: ... schema SNOWFLAKE.ACCOUNT_USAGE does not exist". Every
# Snowflake account has this shared database.
#
# Adjustment: when the server starts, the two views exist as empty tables with Snowflake's
# columns (those the project reads and the usual others). Safe: an emulator runs no queries
# worth auditing, so empty is the truthful content; the view's SQL is checked, not its rows.
# ------------------------------------------------------------------------------------------------
ACCOUNT_USAGE_TABLES = {
    "QUERY_HISTORY": """query_id varchar, query_text varchar, database_name varchar, schema_name varchar,
        query_type varchar, session_id number, user_name varchar, role_name varchar, warehouse_name varchar,
        warehouse_size varchar, query_tag varchar, execution_status varchar, error_code varchar,
        error_message varchar, start_time timestamp_ltz, end_time timestamp_ltz, total_elapsed_time number,
        bytes_scanned number, rows_produced number, rows_inserted number, rows_updated number,
        rows_deleted number, credits_used_cloud_services float""",
    "ACCESS_HISTORY": """query_id varchar, query_start_time timestamp_ltz, user_name varchar,
        direct_objects_accessed array, base_objects_accessed array, objects_modified array,
        object_modified_by_ddl object, policies_referenced array, parent_query_id varchar,
        root_query_id varchar""",
}


def create_account_usage(fake_snow: Any) -> None:
    """Called by the server (tools/emulator/server.py) on its FakeSnow before serving."""
    conn = fake_snow.connect("SNOWFLAKE", "ACCOUNT_USAGE")
    cursor = conn.cursor()
    for table, columns in ACCOUNT_USAGE_TABLES.items():
        cursor.execute(f"create table if not exists SNOWFLAKE.ACCOUNT_USAGE.{table} ({columns})")


def _install_rewrites() -> None:
    from fakesnow.cursor import FakeSnowflakeCursor

    original = FakeSnowflakeCursor._transform_explode  # noqa: SLF001

    def transform_explode(self: Any, expression: Expr) -> list[Expr]:
        for _name, fn in REWRITES:
            expression = fn(expression, self)
        return original(self, expression)

    FakeSnowflakeCursor._transform_explode = transform_explode  # type: ignore[method-assign]  # noqa: SLF001


# ------------------------------------------------------------------------------------------------
# 0. Unhandled server errors answer as SQL errors, not HTTP 500.
#
# Fails on stock: any statement fakesnow cannot run raises inside the server, which answers
# HTTP 500; snowflake-connector-python retries a 5xx for minutes (its network_timeout, which
# dbt-snowflake does not let a profile set) before dbt sees an error, so one unsupported
# statement stalls a CI run instead of failing it.
#
# Adjustment: the exception is returned as a failed query (code 000603, the message and the SQL),
# which the connector raises at once as a ProgrammingError. Safe: it changes only how a failure
# is reported; a statement that succeeds is untouched.
# ------------------------------------------------------------------------------------------------
def _install_error_responses() -> None:
    import fakesnow.server as server
    from starlette.responses import JSONResponse

    original = server.query_request

    async def query_request(request: Any) -> Any:
        response = await original(request)
        if response.status_code >= 500:
            import json

            body = json.loads(response.body)
            message = body.get("message") or "fakesnow: unhandled exception"
            return JSONResponse({
                "data": {"errorCode": "000603", "sqlState": "XX000"},
                "code": "000603",
                "message": f"emulator: {message}"[:4000],
                "success": False,
            })
        return response

    server.query_request = query_request
    for route in server.app.router.routes:
        if getattr(route, "endpoint", None) is original:  # a starlette Route: BaseRoute has neither
            setattr(route, "endpoint", query_request)  # noqa: B010
            setattr(route, "app", _request_response(query_request))  # noqa: B010


def _request_response(endpoint: Any) -> Any:
    from starlette.routing import request_response

    return request_response(endpoint)


_applied = False


def apply() -> None:
    """Apply every adjustment to this process's fakesnow (once; a second call does nothing)."""
    global _applied  # noqa: PLW0603
    if _applied:
        return
    installed = version("fakesnow")
    if installed != SUPPORTED_FAKESNOW:
        raise RuntimeError(f"tools.emulator adjusts fakesnow {SUPPORTED_FAKESNOW}; {installed} is installed")
    _applied = True
    _install_error_responses()
    _install_rewrites()
    _install_metadata_outside_transactions()
    _install_rollback_on_error()
    _install_exact_numeric_aggregates()
    _install_no_op_statements()
    _install_views_in_information_schema()
    logger.info("emulator adjustments: %s", ", ".join(name for name, _ in REWRITES))
