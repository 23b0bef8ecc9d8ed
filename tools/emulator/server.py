"""Run fakesnow's server with the project's adjustments (`serve`), and start/stop it (`Emulator`)."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

RAW_DATABASE = "ANALYTICS_RAW"
# The connector retries a failing server for minutes; never wait on the emulator longer than this.
READY_TIMEOUT_SECONDS = 30


def serve(port: int, db_path: Path, raw_file: Path | None, host: str = "127.0.0.1", stock: bool = False) -> None:
    import importlib

    import uvicorn
    from fakesnow.instance import FakeSnow

    from tools.emulator import patches

    if not stock:
        patches.apply()
    # sqlglot warns of every Snowflake-only statement it keeps as a command (GRANT, ...)
    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    db_path.mkdir(parents=True, exist_ok=True)
    if raw_file is not None:
        # The raw database is a copy of the DuckDB raw file taken whenever the server starts, so a
        # `tools sync` batch reaches the emulator by a restart (as on Snowflake, only the loader
        # writes raw; dbt reads it).
        target = db_path / f"{RAW_DATABASE}.db"
        target.with_name(target.name + ".wal").unlink(missing_ok=True)  # belongs to the old copy
        shutil.copyfile(raw_file, target)
        wal = raw_file.with_name(raw_file.name + ".wal")
        if wal.exists():  # the loader's last writes, not yet checkpointed into the file
            shutil.copyfile(wal, target.with_name(target.name + ".wal"))
        upper_case_columns(target)
    # the module: the package's `fakesnow.server` attribute is also the name of a function
    fakesnow_server = importlib.import_module("fakesnow.server")
    fs = FakeSnow(db_path=db_path)
    fakesnow_server.shared_fs = fs  # type: ignore[attr-defined]  # the module global its routes read
    # Attach every database file in db_path (raw, and what earlier runs built) before any session
    # names it: a session attaches only the database it logs in to.
    for file in sorted(db_path.glob("*.db")):
        fs.connect(file.stem)
    if not stock:
        patches.create_account_usage(fs)
    config = uvicorn.Config(fakesnow_server.app, host=host, port=port, log_level="warning")

    def leave(signum: int, frame: object) -> None:
        raise SystemExit(0)

    # uvicorn shuts down on SIGTERM/SIGINT, then raises the signal again for the handler it found:
    # this one, so that the `finally` below runs instead of the process dying there.
    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGINT, leave)
    try:
        uvicorn.Server(config).run()  # returns on SIGTERM / SIGINT
    finally:
        # Write everything to the database files, so they can be read once the server is gone.
        con = fs.duck_conn
        for (name,) in con.execute("select database_name from duckdb_databases() "
                                   "where not internal and path is not null").fetchall():
            con.execute(f'checkpoint "{name}"')
        con.close()


def upper_case_columns(database: Path) -> int:
    """Name every column of the raw copy in upper case, as Fivetran lands them in Snowflake (the
    generator writes DuckDB's lower case). DuckDB keeps a column's stored case in a query's result
    (`select first_name` answers `first_name`), so without this the emulator would describe a
    model's columns in a case Snowflake never uses, and dbt's contract checks, which compare names
    exactly, would fail there only. Returns how many columns it renamed."""
    import duckdb

    con = duckdb.connect(str(database))
    try:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_catalog = current_database() and column_name <> upper(column_name) "
            "and table_schema not in ('information_schema', 'pg_catalog') and (table_schema, table_name) in "
            "(select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE')"
        ).fetchall()
        for schema, table, column in columns:
            con.execute(f'alter table "{schema}"."{table}" rename column "{column}" to "{column.upper()}"')
        con.execute("checkpoint")
        return len(columns)
    finally:
        con.close()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@dataclass
class Emulator:
    """The emulator as a child process on a free loopback port: start(), env for dbt, stop()."""

    db_path: Path
    raw_file: Path | None = None
    port: int = 0
    host: str = "127.0.0.1"
    log_file: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> Emulator:
        if self.process is not None:
            raise RuntimeError("the emulator is already running")
        self.port = self.port or free_port(self.host)
        self.db_path.mkdir(parents=True, exist_ok=True)
        log = open(self.log_file or self.db_path.parent / "emulator.log", "ab")  # noqa: SIM115
        cmd = [sys.executable, "-m", "tools.emulator", "serve", "--port", str(self.port), "--host", self.host,
               "--db-path", str(self.db_path)]
        if self.raw_file is not None:
            cmd += ["--raw-file", str(self.raw_file)]
        # From this package's checkout, whatever the caller's working directory (a project copy).
        package_root = Path(__file__).resolve().parents[2]
        self.process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=package_root)
        log.close()
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the emulator exited with {self.process.returncode}; see {log.name}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the emulator did not listen on {self.host}:{self.port} in {READY_TIMEOUT_SECONDS}s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> Emulator:
        self.stop()
        return self.start()

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ if base is None else base)
        env["FAKESNOW_PORT"] = str(self.port)
        env["DBT_TARGET"] = "emulator"
        return env

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
