"""Run dbt against a Snowflake target with no account: every statement is recorded, none is sent.

`dbt compile --target prod` needs a connection (dbt lists the schemas first, and
`is_incremental()` asks whether each table exists), and `dbt run` needs one for everything. Here
dbt-snowflake's connection is replaced by a recorder: `open()` hands out a fake handle whose
cursor records each statement and returns no rows, and the three introspective adapter methods
answer "nothing exists" (or, with `existing=True`, "every relation exists as a table", so that
`is_incremental()` is true and the incremental branches compile). An enforced contract's check
sees no columns on either side, so it holds here: DuckDB checks contracts.
Credentials are dummies.

What comes out is exactly the SQL dbt would send to Snowflake for that command: the DDL around
each model (create or replace ... as, alter table ... cluster by), grants, hooks (masking
policies) and seeds (with their values bound, as the connector does). Snapshots need column
types from the warehouse: compile them instead. The tests parse it with sqlglot's Snowflake dialect.

    python -m tools.snowflake_offline --out statements.json [--existing] -- run --target prod ...
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import yaml

from tools.errors import ToolError
from tools.paths import project_root

# Profiles read these with env_var() and no default; any value will do, nothing connects.
DUMMY_ENV = {
    "SNOWFLAKE_ACCOUNT": "offline-account",
    "SNOWFLAKE_PRIVATE_KEY_PATH": "/nonexistent/offline_key.p8",
    "SNOWFLAKE_PRIVATE_KEY": "offline-key",  # pragma: allowlist secret
    "DBT_USER": "offline_user",
    "DBT_PASSWORD": "offline-password",  # pragma: allowlist secret
}


@dataclass
class OfflineRun:
    success: bool
    statements: list[str]
    error: str = ""
    # node unique_id -> compiled SQL, from the manifest the command wrote (compile, run, ...)
    compiled: dict[str, str] = field(default_factory=dict)
    output: str = ""
    # the manifest.json the command wrote
    compiled_manifest: str = ""


def _literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def bind(sql: str, bindings: Any) -> str:
    """The statement as the connector sends it: `%s` placeholders (pyformat, bound client-side by
    snowflake-connector-python) replaced by literals."""
    if not bindings:
        return sql
    values = iter(bindings)
    return re.sub(r"%s", lambda _: _literal(next(values)), sql)


def _install_recorder(recorded: list[str], existing: bool, fail_on: str | None = None) -> None:
    from dbt.adapters.contracts.connection import ConnectionState
    from dbt.adapters.snowflake.connections import SnowflakeConnectionManager

    class RecordingCursor:
        description = None
        rowcount = 0
        sfqid = "offline"
        sqlstate = None

        def execute(self, sql: str, bindings: Any = None) -> RecordingCursor:
            statement = bind(sql, bindings)
            if fail_on and re.search(fail_on, statement, re.IGNORECASE):
                # as Snowflake refuses a statement: the error reaches dbt through the connector
                from snowflake.connector.errors import ProgrammingError

                raise ProgrammingError(f"offline recorder: refused, as asked (--fail-on {fail_on!r})")
            recorded.append(statement)
            return self

        def fetchall(self) -> list[Any]:
            return []

        def fetchmany(self, size: int = 1) -> list[Any]:
            return []

        def fetchone(self) -> None:
            return None

        def close(self) -> None:
            pass

    class RecordingHandle:
        is_closed = False

        def cursor(self) -> RecordingCursor:
            return RecordingCursor()

        def commit(self) -> None:
            pass

        def rollback(self) -> None:
            pass

        def close(self) -> None:
            pass

    def fake_open(cls: Any, connection: Any) -> Any:
        if connection.state != ConnectionState.OPEN:
            connection.handle = RecordingHandle()
            connection.state = ConnectionState.OPEN
        return connection

    SnowflakeConnectionManager.open = classmethod(fake_open)  # type: ignore[method-assign, assignment]
    _install_introspection(recorded, existing)


def _install_introspection(recorded: list[str], existing: bool) -> None:
    """What dbt asks the adapter about the warehouse: nothing exists (or, with `existing`, every
    relation is a table), and no relation or query has columns."""
    from dbt.adapters.snowflake.impl import SnowflakeAdapter

    SnowflakeAdapter.list_relations_without_caching = lambda self, schema_relation: []  # type: ignore[method-assign]
    SnowflakeAdapter.list_schemas = lambda self, database: []  # type: ignore[method-assign]
    SnowflakeAdapter.get_columns_in_relation = lambda self, relation: []  # type: ignore[method-assign]

    # An enforced contract compares the columns of two empty queries; offline both have none, so
    # the queries are recorded and the check holds vacuously. DuckDB checks it (docs/governance.md).
    def get_column_schema_from_query(self: Any, sql: str) -> list[Any]:
        recorded.append(sql)
        return []

    SnowflakeAdapter.get_column_schema_from_query = get_column_schema_from_query  # type: ignore[method-assign]
    if existing:
        def get_relation(self: Any, database: str, schema: str, identifier: str) -> Any:
            return self.Relation.create(database=database, schema=schema, identifier=identifier, type="table")

        SnowflakeAdapter.get_relation = get_relation  # type: ignore[method-assign]


@click.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="JSON file for the recorded statements.")
@click.option("--existing", is_flag=True, help="Answer that every relation exists.")
@click.option("--fail-on", default=None, help="Refuse every statement matching this regular expression.")
@click.argument("dbt_args", nargs=-1, type=click.UNPROCESSED)
def record(out: Path, existing: bool, fail_on: str | None, dbt_args: tuple[str, ...]) -> None:
    """The child process of run_offline(): dbt in this process, with the recorder installed."""
    for key, value in DUMMY_ENV.items():
        os.environ.setdefault(key, value)
    recorded: list[str] = []
    _install_recorder(recorded, existing, fail_on)
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(list(dbt_args))
    out.write_text(json.dumps({
        "success": bool(result.success),
        "error": "" if result.exception is None else str(result.exception),
        "statements": recorded,
    }), encoding="utf-8")
    sys.exit(0 if result.success else 1)


def _require_snowflake_target(dbt_args: list[str], project_dir: Path) -> None:
    """The recorder only replaces Snowflake's connection: any other target would really run."""
    target = None
    for i, arg in enumerate(dbt_args):
        if arg in ("--target", "-t") and i + 1 < len(dbt_args):
            target = dbt_args[i + 1]
        elif arg.startswith("--target="):
            target = arg.split("=", 1)[1]
    if target is None:
        raise ToolError("name the Snowflake target explicitly: --target prod, ci or dev")
    profiles: Any = yaml.safe_load((project_dir / "profiles.yml").read_text(encoding="utf-8")) or {}
    profile: Any = next(iter(profiles.values()), {}) if isinstance(profiles, dict) else {}
    outputs = profile.get("outputs", {}) if isinstance(profile, dict) else {}
    kind = (outputs.get(target) or {}).get("type")
    if kind != "snowflake":
        raise ToolError(f"target {target!r} is {kind or 'not in profiles.yml'}, not snowflake: nothing to dry-run")


def run_offline(dbt_args: list[str], *, workdir: Path, existing: bool = False, fail_on: str | None = None,
                project_dir: Path | None = None) -> OfflineRun:
    """Run `dbt <dbt_args>` in a child process with the recorder; artifacts go under workdir.
    `fail_on`: a regular expression; statements it matches fail as Snowflake errors would."""
    project_dir = project_root(project_dir)
    _require_snowflake_target(dbt_args, project_dir)
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / "statements.json"
    target_path = workdir / "target"
    command = [sys.executable, "-m", "tools.snowflake_offline", "--out", str(out)]
    if existing:
        command.append("--existing")
    if fail_on:
        command += ["--fail-on", fail_on]
    command += ["--", *dbt_args, "--target-path", str(target_path), "--log-path", str(workdir / "logs")]
    env = {**DUMMY_ENV, **os.environ}
    proc = subprocess.run(command, cwd=project_dir, env=env, capture_output=True, text=True, check=False)
    if not out.is_file():
        raise ToolError(f"dbt {' '.join(dbt_args)} (offline) did not finish:\n"
                        f"{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    data = json.loads(out.read_text(encoding="utf-8"))
    compiled: dict[str, str] = {}
    manifest = target_path / "manifest.json"
    if manifest.is_file():
        for unique_id, node in json.loads(manifest.read_text(encoding="utf-8")).get("nodes", {}).items():
            if node.get("compiled_code"):
                compiled[unique_id] = node["compiled_code"]
    return OfflineRun(success=data["success"], statements=data["statements"], error=data["error"],
                      compiled=compiled, output=proc.stdout,
                      compiled_manifest=str(manifest) if manifest.is_file() else "")


if __name__ == "__main__":
    record()
