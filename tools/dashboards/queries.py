"""The dashboards' queries and who may run them: the SQL in analyses/dashboards, compiled by dbt,
run through the row-level-security views as one user of seed_user_region_access.

Sigma sends these queries (benchmarks/bench_dashboards.py times them); the preview runs the same
files, so what it shows is what a user would see in Sigma, not a second definition of it.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tools.duckdb_file import open_duckdb
from tools.errors import ToolError

# The queries' folder inside the project and inside dbt's compiled output.
QUERIES_DIR = Path("analyses") / "dashboards"
COMPILED_DIR = Path("compiled") / "dbt_fieldforce" / QUERIES_DIR
ACCESS_SEED = Path("seeds") / "seed_user_region_access.csv"
REGIONS_SEED = Path("seeds") / "seed_regions.csv"
# A dashboard load holds the file only while its queries run: a `dbt build` can run between loads.
IN_USE_THEN = "wait for the build to finish, then reload the page"


@dataclass(frozen=True)
class Dashboard:
    """One of the three Sigma workbooks: its page's path, title and the exposure it previews."""

    name: str
    title: str
    exposure: str


DASHBOARDS = (
    Dashboard("executive", "Executive", "executive_dashboard"),
    Dashboard("revenue", "Revenue", "revenue_dashboard"),
    Dashboard("operations", "Operations", "operations_dashboard"),
)


@dataclass(frozen=True)
class UserAccess:
    """What seed_user_region_access grants a user: every region (admin) or the listed ones."""

    user_name: str
    is_admin: bool
    region_ids: frozenset[int]

    def regions(self, all_regions: dict[int, str]) -> dict[int, str]:
        """{region_id: region_code} of the regions this user sees, as rls_visible_regions() decides."""
        return {rid: code for rid, code in all_regions.items() if self.is_admin or rid in self.region_ids}


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a seed file, which must have `columns`."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise ToolError(f"{path} has no column {', '.join(missing)} (its header: {reader.fieldnames})")
            return list(reader)
    except OSError as exc:
        raise ToolError(f"cannot read {path}: {exc.strerror or exc}") from exc


def user_access(project_root: Path) -> dict[str, UserAccess]:
    """The users of the row-level-security seed, by upper-case name (as the views compare them)."""
    grants: dict[str, tuple[bool, set[int]]] = {}
    path = project_root / ACCESS_SEED
    for line, row in enumerate(_read_csv(path, ("user_name", "region_id", "access_level")), start=2):
        name = (row["user_name"] or "").strip().upper()
        is_admin, regions = grants.setdefault(name, (False, set()))
        level, region = (row["access_level"] or "").strip(), (row["region_id"] or "").strip()
        if not name or not (level == "admin" and not region or level == "read" and region.isdigit()):
            raise ToolError(f"{path}, line {line}: a user with access_level 'read' and a region_id, or "
                            f"'admin' and none, not {row}")
        if level == "admin":
            is_admin = True
        else:
            regions.add(int(region))
        grants[name] = (is_admin, regions)
    return {name: UserAccess(name, is_admin, frozenset(regions)) for name, (is_admin, regions) in grants.items()}


def all_regions(project_root: Path) -> dict[int, str]:
    """{region_id: region_code} of the regions seed."""
    path = project_root / REGIONS_SEED
    rows = _read_csv(path, ("region_id", "region_code"))
    if not all((row["region_id"] or "").strip().lstrip("-").isdigit() for row in rows):
        raise ToolError(f"{path}: every region_id must be a whole number")
    return {int(row["region_id"]): row["region_code"] for row in rows}


def compile_queries(project_root: Path, target_path: Path, env: dict[str, str] | None = None) -> Path:
    """`dbt compile` of the dashboards' queries into `target_path`; the folder of the compiled SQL."""
    dbt = Path(sys.executable).with_name("dbt")
    command = [str(dbt), "compile", "--quiet", "--select", f"path:{QUERIES_DIR.as_posix()}",
               "--target-path", str(target_path)]
    result = subprocess.run(command, cwd=project_root, env=env if env is not None else dict(os.environ),
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ToolError(f"dbt could not compile {QUERIES_DIR}: {(result.stdout + result.stderr).strip()[-2000:]}")
    return target_path / COMPILED_DIR


def compiled_queries(compiled: Path) -> dict[str, dict[str, str]]:
    """{dashboard: {tile: SQL}} from the compiled files `<dashboard>__<tile>.sql`."""
    queries: dict[str, dict[str, str]] = defaultdict(dict)
    for path in sorted(compiled.glob("*.sql")):
        dashboard, _, tile = path.stem.partition("__")
        queries[dashboard][tile] = path.read_text(encoding="utf-8")
    missing = [d.name for d in DASHBOARDS if d.name not in queries]
    if missing:
        raise ToolError(f"no compiled queries for the {', '.join(missing)} dashboard(s) in {compiled}: "
                        f"compile {QUERIES_DIR} first (`dbt compile --select path:{QUERIES_DIR.as_posix()}`)")
    return dict(queries)


def as_user(con: duckdb.DuckDBPyConnection, user: str) -> duckdb.DuckDBPyConnection:
    """A cursor whose row-level-security views filter for `user` (current_rls_user() on DuckDB)."""
    cursor = con.cursor()
    cursor.execute("set TimeZone = 'UTC'")
    cursor.execute("set variable rls_current_user = ?", [user])
    return cursor


def no_warehouse(analytics: Path) -> str:
    return f"no built warehouse at {analytics}: build it first (`make build`)"


def run_tiles(analytics: Path, user: str, tiles: dict[str, str]) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every tile's query as `user`: {tile: (column names, rows)}. The warehouse is opened read-only
    for this load only."""
    if not analytics.is_file():
        raise ToolError(no_warehouse(analytics))
    con = open_duckdb(analytics, read_only=True, in_use=IN_USE_THEN)
    try:
        cursor = as_user(con, user)
        answers = {}
        for tile, sql in tiles.items():
            try:
                cursor.execute(sql)
                answers[tile] = ([column[0] for column in cursor.description or []], cursor.fetchall())
            except duckdb.Error as exc:
                # most often a warehouse built before the queries last changed
                raise ToolError(f"the tile {tile} failed on {analytics}: {str(exc).splitlines()[0]} "
                                "(rebuild the warehouse: `make build`)") from None
        return answers
    finally:
        con.close()
