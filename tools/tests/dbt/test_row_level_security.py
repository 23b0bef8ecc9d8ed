"""Row-level security on the local target: every secure view (v_fct_jobs_rls through the job's
customer, and those over the marts with a region of their own: revenue, operations daily,
technician performance, customers, technicians, the executive summary) shows each mapped user
exactly their regions' rows, an admin every row, an unmapped user none.

On DuckDB the current user is the session variable `rls_current_user` (on Snowflake it is
current_user(); macros/snowflake/current_rls_user.sql), so one build serves every user."""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from tools.tests.conftest import PROJECT_ROOT, Warehouse
from tools.tests.twin_builds import copy_project

pytestmark = pytest.mark.e2e

SEED = PROJECT_ROOT / "seeds" / "seed_user_region_access.csv"
# The secure views over marts with a region_id of their own: (view, base table, key).
REGIONAL_VIEWS = {
    "revenue": ("main_finance.v_fct_revenue_rls", "main_finance.fct_revenue", "revenue_id"),
    "operations": ("main_operations.v_rpt_operations_daily_rls", "main_operations.rpt_operations_daily",
                   "operations_day_id"),
    "job_board": ("main_operations.v_rpt_job_board_daily_rls", "main_operations.rpt_job_board_daily",
                  "job_board_row_id"),
    "performance": ("main_operations.v_fct_technician_performance_rls",
                    "main_operations.fct_technician_performance", "technician_day_id"),
    "customers": ("main_core.v_dim_customers_rls", "main_core.dim_customers", "customer_id"),
    "technicians": ("main_core.v_dim_technicians_rls", "main_core.dim_technicians", "technician_id"),
    "executive": ("main_executive.v_rpt_executive_summary_rls", "main_executive.rpt_executive_summary",
                  "executive_month_id"),
}


def _mapping() -> dict[str, tuple[set[int], bool]]:
    users: dict[str, tuple[set[int], bool]] = defaultdict(lambda: (set(), False))
    with SEED.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            regions, admin = users[row["user_name"]]
            if row["region_id"]:
                regions.add(int(row["region_id"]))
            users[row["user_name"]] = (regions, admin or row["access_level"] == "admin")
    return dict(users)


def _as_user(wh: Warehouse, user: str | None, sql: str) -> list[tuple]:
    con = duckdb.connect(str(wh.analytics_path), read_only=True)
    try:
        con.execute(f"attach '{wh.raw_path}' as analytics_raw (read_only)")
        if user is not None:
            con.execute("set variable rls_current_user = '" + user.replace("'", "''") + "'")
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _ids(rows: list[tuple]) -> list[int]:
    return sorted(r[0] for r in rows)


@pytest.fixture(scope="module")
def expected(built: Warehouse) -> dict[str, dict[int, set]]:
    """Per region: the job ids (through the customer) and revenue ids of the built marts."""
    jobs: dict[int, set] = defaultdict(set)
    for job_id, region_id in built.query(
            "select jobs.job_id, customers.region_id from main_core.fct_jobs as jobs "
            "inner join main_core.dim_customers as customers on jobs.customer_id = customers.customer_id"):
        jobs[region_id].add(job_id)
    by_region: dict[str, dict[int, set]] = {"jobs": dict(jobs)}
    for name, (_, base, key) in REGIONAL_VIEWS.items():
        rows: dict[int, set] = defaultdict(set)
        for row_id, region_id in built.query(f"select {key}, region_id from {base}"):
            rows[region_id].add(row_id)
        by_region[name] = dict(rows)
    return by_region


def test_the_mapping_covers_read_and_admin_users() -> None:
    users = _mapping()
    assert sum(1 for _, admin in users.values() if admin) >= 1
    assert sum(1 for regions, admin in users.values() if not admin and len(regions) > 1) >= 1


@pytest.mark.parametrize("user", sorted(_mapping()))
def test_each_mapped_user_sees_exactly_their_regions(built: Warehouse, expected: dict, user: str) -> None:
    regions, admin = _mapping()[user]
    all_regions = {r for (r,) in built.query("select region_id from main_seeds.seed_regions")}
    visible = all_regions if admin else regions
    want_jobs = sorted(j for r in visible for j in expected["jobs"].get(r, set()))
    assert want_jobs, f"fixture data has no jobs in {sorted(visible)}"
    got_jobs = _ids(_as_user(built, user, "select job_id from main_core.v_fct_jobs_rls"))
    assert got_jobs == want_jobs  # no other region's job, none missing, none twice
    for name, (view, _, key) in REGIONAL_VIEWS.items():
        want = sorted(i for r in visible for i in expected[name].get(r, set()))
        assert want, f"fixture data has no {name} rows in {sorted(visible)}"
        assert _ids(_as_user(built, user, f"select {key} from {view}")) == want, view
    # user names compare without case, as Snowflake's unquoted user names do
    assert _ids(_as_user(built, user.lower(), "select job_id from main_core.v_fct_jobs_rls")) == want_jobs


def test_admin_sees_every_row(built: Warehouse) -> None:
    admin = next(user for user, (_, is_admin) in _mapping().items() if is_admin)
    total = built.query("select count(*) from main_core.fct_jobs")[0][0]
    assert _as_user(built, admin, "select count(*) from main_core.v_fct_jobs_rls")[0][0] == total


@pytest.mark.parametrize("user", ["NOBODY_MAPPED", "", None])
def test_an_unmapped_user_sees_nothing(built: Warehouse, user: str | None) -> None:
    assert _as_user(built, user, "select count(*) from main_core.v_fct_jobs_rls") == [(0,)]
    for view, _, _ in REGIONAL_VIEWS.values():
        assert _as_user(built, user, f"select count(*) from {view}") == [(0,)], view


def test_rls_view_columns_are_fct_jobs_columns(built: Warehouse) -> None:
    def columns(table: str) -> list[str]:
        return [r[0] for r in built.query(
            "select column_name from information_schema.columns where table_schema = 'main_core' "
            f"and table_name = '{table}' order by ordinal_position")]

    assert columns("v_fct_jobs_rls") == columns("fct_jobs")


def test_the_dbt_var_stands_in_when_no_session_variable_is_set(built: Warehouse, tmp_path: Path) -> None:
    """`--vars '{rls_current_user: ...}'` fixes the user in the view at build time (a session
    variable still wins). The view is rebuilt without it afterwards for the other tests."""
    user = next(user for user, (regions, admin) in _mapping().items() if not admin)
    want = _ids(_as_user(built, user, "select job_id from main_core.v_fct_jobs_rls"))
    try:
        built.dbt("run", "-s", "v_fct_jobs_rls", "--vars", f"{{rls_current_user: {user}}}")
        assert _ids(_as_user(built, None, "select job_id from main_core.v_fct_jobs_rls")) == want
        other = next(u for u in _mapping() if u != user)
        assert _ids(_as_user(built, other, "select job_id from main_core.v_fct_jobs_rls")) != want
    finally:
        built.dbt("run", "-s", "v_fct_jobs_rls")
    assert _as_user(built, None, "select count(*) from main_core.v_fct_jobs_rls") == [(0,)]


def test_no_cluster_by_or_masking_reaches_duckdb(built: Warehouse) -> None:
    """cluster_by, secure, transient and the masking hook are Snowflake's: DuckDB's build sent none."""
    log = (built.root / "logs" / "dbt.log").read_text(encoding="utf-8", errors="replace").lower()
    assert "create  table" in log or "create table" in log
    for snowflake_only in ("cluster by", "masking policy", "secure view", "transient"):
        assert snowflake_only not in log


# Rows a careless edit of the mapping could bring, each with the regions it must grant: none for
# a row the seed's tests reject (the views fail closed), the same as a clean row otherwise.
MALFORMED_ROWS = [
    ("ADMIN_WITH_REGION", "3", "admin", set()),
    ("  SPACED_USER ", "4", "read", {4}),
    ("lower_user", "6", "read", {6}),
    ("DUP_USER", "5", "read", {5}),
    ("DUP_USER", "5", "read", {5}),
    ("ODD_LEVEL", "2", "write", set()),
    ("Admin_Case", "", "ADMIN", set()),
    ("READ_WITHOUT_REGION", "", "read", set()),
    ("GHOST_REGION", "99", "read", set()),
]


@pytest.fixture(scope="module")
def malformed(built: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> tuple[Warehouse, Path]:
    """The built warehouse with the mapping seeded again from a copy holding MALFORMED_ROWS too."""
    root = tmp_path_factory.mktemp("rls_malformed")
    wh = Warehouse(root)
    shutil.copytree(built.root / "warehouse", wh.root / "warehouse")
    project = copy_project(root / "project")
    with (project / "seeds" / SEED.name).open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for user, region, level, _ in MALFORMED_ROWS:
            writer.writerow([user, f"{user.strip().lower()}@fieldforcepro.example", region, level])
    wh.dbt("seed", "--select", "seed_user_region_access", "--project-dir", str(project),
           "--profiles-dir", str(project))
    return wh, project


@pytest.mark.parametrize(("user", "regions"),
                         sorted({(u.strip().upper(), frozenset(r)) for u, _, _, r in MALFORMED_ROWS}, key=str))
def test_a_malformed_mapping_row_grants_nothing_more(malformed: tuple[Warehouse, Path], expected: dict, user: str,
                                                     regions: frozenset[int]) -> None:
    wh, _ = malformed
    want = sorted(j for r in regions for j in expected["jobs"].get(r, set()))
    # as Snowflake's current_user() would name them, and with the case and spaces of the file
    for name in (user, f" {user.lower()} "):
        assert _ids(_as_user(wh, name, "select job_id from main_core.v_fct_jobs_rls")) == want, name
        for kind, (view, _, key) in REGIONAL_VIEWS.items():
            got = _ids(_as_user(wh, name, f"select {key} from {view}"))
            assert got == sorted(i for r in regions for i in expected[kind].get(r, set())), view


def test_the_clean_users_see_what_they_saw(malformed: tuple[Warehouse, Path], expected: dict) -> None:
    wh, _ = malformed
    for user, (regions, admin) in _mapping().items():
        all_regions = {r for (r,) in wh.query("select region_id from main_seeds.seed_regions")}
        want = sorted(j for r in (all_regions if admin else regions) for j in expected["jobs"].get(r, set()))
        assert _ids(_as_user(wh, user, "select job_id from main_core.v_fct_jobs_rls")) == want, user


def test_the_mapping_tests_name_every_malformed_row(malformed: tuple[Warehouse, Path]) -> None:
    wh, project = malformed
    result = wh.dbt("test", "--select", "seed_user_region_access", "assert_user_region_access_is_valid",
                    "--project-dir", str(project), "--profiles-dir", str(project), "--store-failures",
                    check=False)
    assert result.returncode == 1, result.stdout[-3000:]
    reasons = wh.query("select user_name, reason from main_dbt_test__audit.assert_user_region_access_is_valid")
    assert sorted(reasons) == sorted([
        ("ADMIN_WITH_REGION", "an admin row names a region"),
        ("  SPACED_USER ", "the user name is not trimmed upper case"),
        ("lower_user", "the user name is not trimmed upper case"),
        ("Admin_Case", "the user name is not trimmed upper case"),
        ("DUP_USER", "the user is listed twice for this region"),
        ("READ_WITHOUT_REGION", "a read row names no region"),
    ])
    assert "accepted_values_seed_user_region_access_access_level" in result.stdout  # write, ADMIN
    assert "relationships_seed_user_region_access_region_id" in result.stdout  # region 99


def test_no_column_of_the_built_warehouse_holds_unclassified_personal_data(built: Warehouse) -> None:
    """GOV003/GOV004 against what the build really holds: every text column of every model, seed
    and snapshot (staging views read through raw), sampled; the seeded emails and phones of the
    generator sit only in classified columns."""
    from tools.check.runner import run_check
    from tools.check.warehouse import sample_text_columns
    from tools.pii import PII_VALUE

    samples, unreadable = sample_text_columns(built.analytics_path)
    assert unreadable == {}
    holding = {(table, column) for table, columns in samples.items() for column, values in columns.items()
               if any(PII_VALUE.search(v) for v in values)}
    # the check has something to judge: emails and phones in every layer, staging views included
    assert {("stg_postgres__customers", "customer_email"), ("int_customers_enriched", "customer_phone"),
            ("dim_customers", "customer_email"), ("snap_customers", "customer_phone")} <= holding
    result = run_check(PROJECT_ROOT, warehouse=built.analytics_path)
    assert [f for f in result.findings if f.code in ("GOV003", "GOV004")] == []


def test_every_mart_with_a_region_is_read_through_a_secure_view(built: Warehouse) -> None:
    """From what the build really holds, not from the YAML: a mart relation with a region_id
    column is region-scoped (Sigma reads its secure view) or is that view."""
    import json

    manifest = json.loads((built.root / "target" / "manifest.json").read_text(encoding="utf-8"))
    marts = {n["alias"]: n for n in manifest["nodes"].values()
             if n["resource_type"] == "model" and n["fqn"][1] == "marts"}
    with_region = {table for (table,) in built.query(
        "select distinct table_name from information_schema.columns where column_name = 'region_id' "
        "and table_schema like 'main_%' and table_schema not in ('main_seeds', 'main_security')")
        if table in marts}
    assert len(with_region) >= 12
    for table in with_region:
        meta = marts[table]["config"]["meta"]
        assert meta.get("region_scoped") or meta.get("rls_view_of"), table


def test_the_dashboard_queries_give_a_regional_user_the_admins_rows_of_their_regions(built: Warehouse) -> None:
    """The SQL the three Sigma dashboards send (analyses/dashboards, timed by
    benchmarks/bench_dashboards.py) compiles, answers an admin, and gives a regional user exactly
    the admin's rows of that user's regions wherever a tile is broken down by region."""
    built.dbt("compile", "--select", "path:analyses/dashboards")
    compiled = built.root / "target" / "compiled" / "dbt_fieldforce" / "analyses" / "dashboards"
    queries = {path.stem: path.read_text() for path in sorted(compiled.glob("*.sql"))}
    assert {name.partition("__")[0] for name in queries} == {"executive", "revenue", "operations"}
    regions, is_admin = _mapping()["MARIA_GARCIA"]
    assert not is_admin and regions
    with (PROJECT_ROOT / "seeds" / "seed_regions.csv").open(newline="", encoding="utf-8") as handle:
        codes = {row["region_code"] for row in csv.DictReader(handle) if int(row["region_id"]) in regions}
    by_region = {"executive__kpis_against_targets": 0, "revenue__by_region": 0, "operations__daily": 1,
                 "operations__technician_performance": 1}
    for name, sql in queries.items():
        admin_rows = _as_user(built, "PRIYA_PATEL", sql)
        regional_rows = _as_user(built, "MARIA_GARCIA", sql)
        assert admin_rows, f"{name} gives the admin nothing"
        assert len(regional_rows) <= len(admin_rows), name
        if name in by_region:
            column = by_region[name]
            mine = regions if name == "revenue__by_region" else codes
            # a leaderboard keeps its top 100: compare the user's rows with the admin's when neither is cut
            expected_rows = [row for row in admin_rows if row[column] in mine]
            if name == "operations__technician_performance" and len(admin_rows) == 100:
                assert {row[column] for row in regional_rows} <= mine, name
            else:
                assert regional_rows == expected_rows, name


def test_the_job_board_holds_the_jobs_each_user_may_see(built: Warehouse) -> None:
    """The pre-aggregated job board answers the operations dashboard's tile exactly as counting
    the user's jobs in v_fct_jobs_rls does: for an admin, a regional user and an unmapped one."""
    built.dbt("compile", "--select", "path:analyses/dashboards/operations__open_jobs.sql")
    board_sql = (built.root / "target" / "compiled" / "dbt_fieldforce" / "analyses" / "dashboards"
                 / "operations__open_jobs.sql").read_text()
    assert "v_rpt_job_board_daily_rls" in board_sql and "fct_jobs" not in board_sql
    from_jobs_sql = """
        with window_start as (
            select max(job_scheduled_date) - interval 7 day as start_date from main_core.v_fct_jobs_rls
        )
        select jobs.job_scheduled_date, jobs.job_status, jobs.job_priority, count(*), sum(jobs.total_amount)
        from main_core.v_fct_jobs_rls as jobs
        inner join window_start on jobs.job_scheduled_date > window_start.start_date
        group by all
        order by 1, 2, 3"""
    for user in ("PRIYA_PATEL", "MARIA_GARCIA", "NOBODY_MAPPED"):
        expected_rows = _as_user(built, user, from_jobs_sql)
        assert _as_user(built, user, board_sql) == expected_rows, user
        assert bool(expected_rows) == (user != "NOBODY_MAPPED"), user
    whole = built.query("select sum(jobs), sum(total_amount) from main_operations.rpt_job_board_daily")
    assert whole == built.query(
        "select count(*), sum(jobs.total_amount) from main_core.fct_jobs as jobs "
        "inner join main_core.dim_customers as customers on jobs.customer_id = customers.customer_id")
