"""The preview's two commands (`tools dashboards serve`, `tools dashboards screenshot`): check the
warehouse is built and the user known, compile the queries, then serve or photograph the pages."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tools import paths
from tools.dashboards import queries
from tools.errors import ToolError

# What `make dashboard-screenshots` writes, and the README shows.
SCREENSHOTS_DIR = Path("docs") / "assets" / "dashboards"


@dataclass(frozen=True)
class Preview:
    """A built local warehouse, the dashboards' queries compiled against it, and whom to view as."""

    root: Path
    analytics: Path
    compiled: Path
    user: str


def viewer(users: dict[str, queries.UserAccess], name: str | None) -> str:
    """`name` as the views compare it (upper case), checked against the seed; without one, the
    seed's admin first in alphabetical order."""
    if name is None:
        admins = sorted(u.user_name for u in users.values() if u.is_admin)
        if not admins:
            raise ToolError(f"{queries.ACCESS_SEED} has no admin: pass --user")
        return admins[0]
    if name.strip().upper() not in users:
        raise ToolError(f"--user {name!r} is not in {queries.ACCESS_SEED}; its users: {', '.join(sorted(users))}")
    return name.strip().upper()


def prepare(project_dir: Path | None, user: str | None, echo: Callable[[str], None]) -> Preview:
    root = paths.project_root(project_dir)
    analytics = paths.warehouse_dir(project_dir) / "analytics.duckdb"
    if not analytics.is_file():
        raise ToolError(queries.no_warehouse(analytics))
    chosen = viewer(queries.user_access(root), user)
    echo(f"compiling the dashboards' queries ({queries.QUERIES_DIR})")
    # dbt's own setting of where it writes (a test keeps the checkout's target/ untouched); the
    # preview reads the local DuckDB warehouse, so the queries are compiled for it
    target = Path(os.environ.get("DBT_TARGET_PATH") or root / "target")
    compiled = queries.compile_queries(root, target if target.is_absolute() else root / target,
                                       {**os.environ, "DBT_TARGET": "local"})
    queries.compiled_queries(compiled)  # all three dashboards are there, or say which is not
    return Preview(root, analytics, compiled, chosen)


def take_screenshots(preview: Preview, out: Path, echo: Callable[[str], None]) -> list[Path]:
    """A PNG of each dashboard page as the preview's user, in `out` (<dashboard>.png). They are
    taken into a scratch folder and put into `out` only when all three were taken, each by a rename."""
    from tools.dashboards.browser import headless_chromium, load
    from tools.dashboards.serve import serving

    user = preview.user
    with tempfile.TemporaryDirectory(prefix="fieldforce-screenshots-") as scratch:
        taken = []
        with serving(preview.analytics, preview.compiled, preview.root, user) as address, \
                headless_chromium() as browser:
            for dashboard in queries.DASHBOARDS:
                shot = Path(scratch) / f"{dashboard.name}.png"
                shown = load(browser, f"{address}/{dashboard.name}?user={user}", shot)
                if shown.alerts or not shown.kpis:
                    raise ToolError(f"the {dashboard.title} page shows no figures as {user}: "
                                    f"{'; '.join(shown.alerts) or shown.text[:300]}")
                taken.append(shot)
                echo(f"  {dashboard.title}: {len(shown.kpis)} KPI tiles, {len(shown.tables)} tables")
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for shot in taken:
            partial = out / f".{shot.name}.tmp"
            shutil.copyfile(shot, partial)
            os.replace(partial, out / shot.name)
            written.append(out / shot.name)
        return written
