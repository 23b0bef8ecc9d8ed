"""Every `tools` command against malformed input of every class: missing, empty, binary,
truncated, wrong shape, out of range, too long, injection-like, an unwritable destination.

Each case runs in a sandbox of its own (a dbt project, a raw DuckDB file, a built-warehouse
stand-in and the case's input files) and must give one line of error that names the problem, a
non-zero exit and no traceback, and leave every file of the sandbox as it was, byte for byte,
the DuckDB files included (issue 13).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from tools.cli import main
from tools.rawgen.generate import generate_raw
from tools.tests.conftest import AS_OF
from tools.tests.scaffold_helpers import CONTACT_COLUMNS, SCHEMA_JSON, make_project

BINARY = bytes(range(256)) * 64
SCHEMA = SCHEMA_JSON.read_text()
TOO_LONG = "x" * 2000


def _schema_with(tables: dict) -> str:
    return json.dumps({"code": "Success", "data": {"schemas": {"s": {"tables": tables}}}})


@dataclass(frozen=True)
class Case:
    """`args` may use {project}, {warehouse}, {inputs}; `files` are written under the sandbox
    before it is hashed (paths relative to it); `prepare` runs then too."""

    id: str
    args: list[str]
    names: str  # what the one error line must mention
    files: dict[str, bytes | str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    prepare: Callable[[Path], None] | None = None


def _scaffold(schema: str = "{inputs}/schema.json", *extra: str) -> list[str]:
    return ["scaffold-source", "salesforce", "--fivetran-schema", schema, "--project-dir", "{project}",
            "--no-warehouse", *extra]


def _symlink_to_dev_zero(sandbox: Path) -> None:
    (sandbox / "project" / "models" / "endless.yml").symlink_to("/dev/zero")


def _truncate_raw(sandbox: Path) -> None:
    raw = sandbox / "warehouse" / "analytics_raw.duckdb"
    data = raw.read_bytes()
    raw.write_bytes(data[: len(data) // 2])


def _warehouse_dir_is_a_file(sandbox: Path) -> None:
    shutil.rmtree(sandbox / "warehouse")
    (sandbox / "warehouse").write_text("a file where the folder should be")


RAW = "warehouse/analytics_raw.duckdb"
FRESH = {"FIELDFORCE_WAREHOUSE_DIR": "{inputs}/fresh-warehouse"}
CASES = [
    # --- generate-raw (into a folder that does not exist yet: not even it may appear) -------
    *(Case(f"generate: {' '.join(args)}", ["generate-raw", "--quiet", *args], names, env=FRESH)
      for args, names in [
          (["--scale", "nan"], "--scale"), (["--scale", "inf"], "--scale"), (["--scale", "-inf"], "--scale"),
          (["--scale", "0"], "--scale"), (["--scale", "-1"], "--scale"), (["--scale", "ten"], "--scale"),
          (["--scale", "1e12"], "GB is free"),
          (["--seed", "9" * 30], "--seed"), (["--seed", "-1"], "--seed"),
          (["--as-of", "0001-01-01"], "--as-of"), (["--as-of", "9999-12-31"], "--as-of"),
          (["--as-of", "2026-02-30"], "--as-of"), (["--as-of", "2026-01-01'; drop table x; --"], "--as-of"),
          (["--gps-days", "0"], "--gps-days"),
      ]),
    Case("generate: memory garbage", ["generate-raw", "--scale", "0.001"], "FIELDFORCE_DUCKDB_MEMORY",
         env={**FRESH, "FIELDFORCE_DUCKDB_MEMORY": "garbage'; select 1; --"}),
    Case("generate: memory too small", ["generate-raw", "--scale", "0.001"], "FIELDFORCE_DUCKDB_MEMORY",
         env={**FRESH, "FIELDFORCE_DUCKDB_MEMORY": "1KB"}),
    Case("generate: unwritable warehouse", ["generate-raw", "--scale", "0.001"], "/proc/fieldforce",
         env={"FIELDFORCE_WAREHOUSE_DIR": "/proc/fieldforce"}),
    Case("generate: warehouse is a file", ["generate-raw", "--scale", "0.001"], "warehouse",
         prepare=_warehouse_dir_is_a_file),
    # --- sync -----------------------------------------------------------------------------
    Case("sync: missing seed", ["sync"], "--seed"),
    Case("sync: span nan", ["sync", "--seed", "1", "--span-hours", "nan"], "--span-hours"),
    Case("sync: span out of range", ["sync", "--seed", "1", "--span-hours", "1000"], "--span-hours"),
    Case("sync: as-of far future", ["sync", "--seed", "1", "--as-of", "9999-12-31"], "--as-of"),
    Case("sync: as-of before the landing", ["sync", "--seed", "1", "--as-of", "2026-01-01T00:00:00"], "--as-of"),
    Case("sync: as-of garbage", ["sync", "--seed", "1", "--as-of", "tomorrow"], "--as-of"),
    Case("sync: memory garbage", ["sync", "--seed", "1"], "FIELDFORCE_DUCKDB_MEMORY",
         env={"FIELDFORCE_DUCKDB_MEMORY": "lots"}),
    Case("sync: no raw file", ["sync", "--seed", "1"], "no raw data", env={"FIELDFORCE_WAREHOUSE_DIR": "{inputs}"}),
    Case("sync: empty raw file", ["sync", "--seed", "1"], "analytics_raw.duckdb", files={RAW: b""}),
    Case("sync: binary raw file", ["sync", "--seed", "1"], "analytics_raw.duckdb", files={RAW: BINARY}),
    Case("sync: truncated raw file", ["sync", "--seed", "1"], "is truncated", prepare=_truncate_raw),
    # --- preflight ------------------------------------------------------------------------
    Case("preflight: no raw file", ["preflight"], "no raw data", env={"FIELDFORCE_WAREHOUSE_DIR": "{inputs}"}),
    Case("preflight: binary raw file", ["preflight"], "analytics_raw.duckdb", files={RAW: BINARY}),
    Case("preflight: truncated raw file", ["preflight"], "is truncated", prepare=_truncate_raw),
    Case("preflight: binary analytics file", ["preflight"], "analytics.duckdb",
         files={"warehouse/analytics.duckdb": BINARY}),
    Case("preflight: warehouse is a file", ["preflight"], "warehouse", prepare=_warehouse_dir_is_a_file),
    # --- scaffold-source ------------------------------------------------------------------
    Case("scaffold: missing schema file", _scaffold("{inputs}/nope.json"), "nope.json"),
    Case("scaffold: empty schema file", _scaffold(), "schema.json", files={"inputs/schema.json": ""}),
    Case("scaffold: binary schema file", _scaffold(), "schema.json", files={"inputs/schema.json": BINARY}),
    Case("scaffold: truncated schema file", _scaffold(), "schema.json",
         files={"inputs/schema.json": SCHEMA[: len(SCHEMA) // 2]}),
    Case("scaffold: schema is a list", _scaffold(), "schema", files={"inputs/schema.json": "[1, 2]"}),
    Case("scaffold: tables is a number", _scaffold(), "tables",
         files={"inputs/schema.json": json.dumps({"data": {"schemas": {"s": {"tables": 5}}}})}),
    Case("scaffold: nested too deeply", _scaffold(), "nested too deeply",
         files={"inputs/schema.json": "[" * 100_000 + "]" * 100_000}),
    Case("scaffold: table name too long", _scaffold(), "255",
         files={"inputs/schema.json": _schema_with({TOO_LONG: {}})}),
    Case("scaffold: column name too long", _scaffold(), "255",
         files={"inputs/schema.json": _schema_with({"T": {"columns": {TOO_LONG: {"enabled": True}}}})}),
    Case("scaffold: source name too long", ["scaffold-source", TOO_LONG, "--fivetran-schema", str(SCHEMA_JSON),
                                            "--project-dir", "{project}", "--no-warehouse"], "source"),
    Case("scaffold: source name injection", ["scaffold-source", "x; rm -rf ~", "--fivetran-schema",
                                             str(SCHEMA_JSON), "--project-dir", "{project}"], "lower snake case"),
    Case("scaffold: source name path", ["scaffold-source", "../../etc", "--fivetran-schema", str(SCHEMA_JSON),
                                        "--project-dir", "{project}"], "lower snake case"),
    Case("scaffold: schema injection", _scaffold(str(SCHEMA_JSON), "--schema", "x'; drop table y; --"), "--schema"),
    Case("scaffold: key injection", _scaffold(str(SCHEMA_JSON), "--key", "Account=id); drop table y; --"),
         "--key"),
    Case("scaffold: unknown table", _scaffold(str(SCHEMA_JSON), "--table", "Leads' or '1'='1"), "Leads"),
    Case("scaffold: bad freshness", _scaffold(str(SCHEMA_JSON), "--warn-after", "-5 hour"), "--warn-after"),
    Case("scaffold: table columns binary", _scaffold(str(SCHEMA_JSON), "--table-columns", "Contact={inputs}/c.json"),
         "c.json", files={"inputs/c.json": BINARY}),
    Case("scaffold: table columns unknown table",
         _scaffold(str(SCHEMA_JSON), "--table-columns", f"Nope={CONTACT_COLUMNS}"), "Nope"),
    Case("scaffold: project dir is no project", _scaffold(str(SCHEMA_JSON))[:-3] + ["--project-dir", "{inputs}"],
         "dbt_project.yml"),
    Case("scaffold: staging folder is a file", _scaffold(str(SCHEMA_JSON)), "staging",
         files={"project/models/staging": "a file where the folder should be"}),
    # --- check ----------------------------------------------------------------------------
    Case("check: missing project", ["check", "--project-dir", "{inputs}/nope"], "nope"),
    Case("check: binary YAML", ["check", "--project-dir", "{project}"], "bad.yml",
         files={"project/models/bad.yml": BINARY}),
    Case("check: truncated YAML", ["check", "--project-dir", "{project}"], "bad.yml",
         files={"project/models/bad.yml": "version: 2\nmodels:\n  - name: 'x\n    description: [\n"}),
    Case("check: models is a number", ["check", "--project-dir", "{project}"], "bad.yml",
         files={"project/models/bad.yml": "version: 2\nmodels: 5\n"}),
    Case("check: freshness is a number", ["check", "--project-dir", "{project}"], "bad.yml",
         files={"project/models/bad.yml": "version: 2\nsources:\n  - name: s\n    freshness: 5\n    tables: []\n"}),
    Case("check: YAML over 5 MB", ["check", "--project-dir", "{project}"], "big.yml",
         files={"project/models/big.yml": "# padding\n" * 600_000}),
    Case("check: YAML is /dev/zero", ["check", "--project-dir", "{project}"], "endless.yml",
         prepare=_symlink_to_dev_zero),
    Case("check: warehouse binary", ["check", "--project-dir", "{project}", "--warehouse", "{inputs}/w.duckdb"],
         "w.duckdb", files={"inputs/w.duckdb": BINARY}),
    Case("check: warehouse empty", ["check", "--project-dir", "{project}", "--warehouse", "{inputs}/w.duckdb"],
         "w.duckdb", files={"inputs/w.duckdb": b""}),
    Case("check: warehouse missing", ["check", "--project-dir", "{project}", "--warehouse", "{inputs}/none.duckdb"],
         "none.duckdb"),
    Case("check: bad format", ["check", "--project-dir", "{project}", "--format", "xml"], "--format"),
    # --- platform-sql, snowflake-dry-run ----------------------------------------------------
    Case("platform-sql: missing folder", ["platform-sql", "-o", "{inputs}/missing/platform.sql"], "missing"),
    Case("platform-sql: a folder", ["platform-sql", "-o", "{inputs}"], "inputs"),
    Case("platform-sql: unwritable", ["platform-sql", "-o", "/proc/platform.sql"], "/proc/platform.sql"),
    Case("snowflake-dry-run: workdir is a file", ["snowflake-dry-run", "--workdir", "{inputs}/f"], "f",
         files={"inputs/f": "x"}),
    Case("unknown command", ["drop-everything"], "drop-everything"),
]


def _tree(root: Path) -> dict[str, str]:
    """Every path under `root` and what it is: a file's bytes, a link's target, or a folder."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            found[str(path.relative_to(root))] = "-> " + os.readlink(path)
        elif path.is_file():
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[str(path.relative_to(root))] = "dir"
    return found


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pristine")
    make_project(root)
    warehouse = root / "warehouse"
    generate_raw(scale=0.0005, seed=1, as_of=AS_OF, target=warehouse / "analytics_raw.duckdb")
    con = duckdb.connect(str(warehouse / "analytics.duckdb"))
    con.execute("create table main.dim_customers as select 1 as customer_id, 'a@b.c' as customer_email")
    con.close()
    shutil.rmtree(warehouse / "tmp", ignore_errors=True)
    (root / "inputs").mkdir()
    return root


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_input_is_one_error_and_changes_nothing(pristine: Path, tmp_path: Path, case: Case,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox = tmp_path / "sandbox"
    shutil.copytree(pristine, sandbox, symlinks=True)
    for relative, content in case.files.items():
        target = sandbox / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)
    if case.prepare:
        case.prepare(sandbox)
    places = {"project": sandbox / "project", "warehouse": sandbox / "warehouse", "inputs": sandbox / "inputs"}
    args = [a.format(**places) for a in case.args]
    env = {"FIELDFORCE_WAREHOUSE_DIR": str(places["warehouse"]), "DBT_TARGET": "local",
           **{k: v.format(**places) for k, v in case.env.items()}}
    monkeypatch.chdir(places["project"])  # the commands without --project-dir find it from here
    before = _tree(sandbox)

    result = CliRunner().invoke(main, args, env=env)

    assert result.exit_code in (1, 2), result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.lower().startswith("error")]
    assert len(errors) == 1, result.output
    assert case.names in errors[0], errors[0]
    assert _tree(sandbox) == before


def test_platform_sql_onto_a_full_device_writes_to_it_and_never_replaces_it() -> None:
    full = Path("/dev/full")
    if not full.exists() or full.is_file():
        pytest.skip("no /dev/full device here")
    result = CliRunner().invoke(main, ["platform-sql", "-o", str(full)])
    assert result.exit_code == 1 and "No space left on device" in result.output, result.output
    assert not full.is_file()  # written to, never replaced by a file


def test_atomic_write_never_replaces_what_is_not_a_regular_file(tmp_path: Path) -> None:
    from tools.errors import ToolError
    from tools.fsio import atomic_write

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ToolError, match="not a regular file"):
        atomic_write(fifo, "text")
    assert not fifo.is_file() and fifo.exists()
