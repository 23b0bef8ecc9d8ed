"""The `tools` command line: thin wrappers that parse arguments, call the core and print."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar

import click

from tools import paths
from tools.errors import ToolError

F = TypeVar("F", bound=Callable[..., object])


# The landing's history reaches three years back from --as-of (tools/rawgen/context.py); outside
# these years the dates are not a field-service company's, and near the ends of Python's calendar
# they do not exist at all.
AS_OF_EARLIEST = datetime(2000, 1, 1)
AS_OF_LATEST = datetime(2100, 1, 1)
# Seeds go to NumPy's generator as a signed 64-bit integer.
SEED = click.IntRange(0, 2**63 - 1)


def _parse_as_of(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not an ISO timestamp such as 2026-01-31T06:00:00",
                                 param_hint="--as-of") from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    if not AS_OF_EARLIEST <= parsed < AS_OF_LATEST:
        raise click.BadParameter(f"{value!r} is outside {AS_OF_EARLIEST:%Y} to {AS_OF_LATEST.year - 1}",
                                 param_hint="--as-of")
    return parsed


def _finite(ctx: click.Context, param: click.Parameter, value: float) -> float:
    """click's FloatRange lets nan through (no comparison with nan is true) and inf as a number."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"must be a finite number, not {value}")
    return value


def project_dir_option(command: F) -> F:
    """`--project-dir` as dbt has it: a command works on the project the user stands in."""
    return click.option(
        "--project-dir", type=click.Path(file_okay=False, path_type=Path), default=None, envvar="DBT_PROJECT_DIR",
        help="The dbt project (default: the nearest folder with dbt_project.yml from here upward, "
             "or DBT_PROJECT_DIR).")(command)


class ToolGroup(click.Group):
    """Turns a ToolError raised anywhere below into one line on stderr and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ToolError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=ToolGroup)
def main() -> None:
    """FieldForce analytics tools."""


# --- raw data -------------------------------------------------------------------------------


@main.command("generate-raw")
@click.option("--scale", type=float, default=0.01, show_default=True, callback=_finite,
              help="1 means the SDD's production volumes (10M jobs); fractions work.")
@click.option("--seed", type=SEED, default=42, show_default=True, help="Same seed, same data.")
@click.option("--as-of", "as_of", default=None,
              help="UTC time the landing is as of (ISO). Default: now, so freshness checks pass.")
@click.option("--gps-days", type=click.IntRange(1, 30), default=2, show_default=True,
              help="Days of GPS history to land.")
@click.option("--quiet", is_flag=True, help="No progress output.")
@project_dir_option
def generate_raw_command(scale: float, seed: int, as_of: str | None, gps_days: int, quiet: bool,
                         project_dir: Path | None) -> None:
    """Land all six Fivetran sources into the project's local analytics_raw database."""
    from tools.rawgen.generate import generate_raw

    if scale <= 0:
        raise click.BadParameter("must be greater than 0", param_hint="--scale")
    generate_raw(scale=scale, seed=seed, as_of=_parse_as_of(as_of), gps_days=gps_days,
                 progress=None if quiet else click.echo, project_dir=paths.project_root(project_dir))


@main.command("sync")
@click.option("--seed", type=SEED, required=True, help="Seed of this batch; same seed, same batch.")
@click.option("--as-of", "as_of", default=None,
              help="UTC time of this sync (ISO). Default: now; must be later than the last sync.")
@click.option("--span-hours", type=click.FloatRange(min=0.25, max=24 * 7), default=24.0, show_default=True,
              callback=_finite, help="How much business activity the batch carries.")
@click.option("--add-column", is_flag=True,
              help="Schema drift: the source adds a column (postgres jobs.job_source).")
@click.option("--quiet", is_flag=True, help="No progress output.")
@project_dir_option
def sync_command(seed: int, as_of: str | None, span_hours: float, add_column: bool, quiet: bool,
                 project_dir: Path | None) -> None:
    """Land the next Fivetran sync on top of the project's local raw data."""
    from tools.rawgen.sync import sync_batch

    sync_batch(seed=seed, as_of=_parse_as_of(as_of), span_hours=span_hours, add_column=add_column,
               progress=None if quiet else click.echo, project_dir=paths.project_root(project_dir))


@main.command("preflight")
@project_dir_option
def preflight_command(project_dir: Path | None) -> None:
    """Check the local warehouse before a dbt build: raw data there, folder writable, no file in use."""
    from tools.preflight import check_local_warehouse

    click.echo(check_local_warehouse(paths.warehouse_dir(paths.project_root(project_dir))))


# --- project checks -------------------------------------------------------------------------


@main.command("check")
@click.argument("only", metavar="PATHS", nargs=-1, type=click.Path(exists=True, path_type=Path))
@project_dir_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--list-rules", is_flag=True, help="Print every rule code and what it checks, then exit.")
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A built DuckDB warehouse (.warehouse/analytics.duckdb): also judge columns by their values.")
def check_command(only: tuple[Path, ...], project_dir: Path | None, output_format: str, list_rules: bool,
                  warehouse: Path | None) -> None:
    """Check naming, layering, coverage and governance rules from the project's files.

    PATHS limits the report to findings in those files or folders; the whole project is always
    read, because the rules look across files. Exit 0: clean, 1: findings, 2: usage error or
    unreadable YAML.
    """
    from tools.check.report import format_json, format_rules, format_text
    from tools.check.runner import run_check

    if list_rules:
        click.echo(format_rules())
        return
    result = run_check(paths.project_root(project_dir), only, warehouse)
    click.echo(format_json(result) if output_format == "json" else format_text(result))
    if result.findings:
        sys.exit(1)


# --- source scaffolding ----------------------------------------------------------------------


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name.strip() or not rest.strip():
            raise click.BadParameter(f"{value!r} should look like TABLE=VALUE", param_hint=option)
        pairs[name.strip()] = rest.strip()
    return pairs


@main.command("scaffold-source")
@click.argument("source_name")
@click.option("--fivetran-schema", "fivetran_schema", type=click.Path(dir_okay=False, path_type=Path),
              help="JSON of Fivetran's GET /v1/connections/{id}/schemas.")
@click.option("--table-columns", "table_columns", multiple=True, metavar="TABLE=FILE",
              help="JSON of GET .../tables/{table}/columns for one table (repeatable); completes the config.")
@click.option("--from-warehouse", is_flag=True, help="Read the landed tables of the raw schema instead.")
@click.option("--target", default=None, help="dbt target whose warehouse holds the landed tables (default: local).")
@click.option("--schema", default=None, help="Raw schema (default: fivetran_<source_name>).")
@click.option("--table", "tables", multiple=True, help="Only this table (repeatable).")
@click.option("--key", "keys", multiple=True, metavar="TABLE=COL[,COL]",
              help="Primary key of a table when the input does not say (repeatable).")
@click.option("--warn-after", default=None, metavar="PERIOD",
              help="Freshness warn_after, e.g. '12 hour' (default: two missed syncs at the SDD's cadence).")
@click.option("--error-after", default=None, metavar="PERIOD",
              help="Freshness error_after, e.g. '1 day' (default: four missed syncs).")
@click.option("--no-warehouse", is_flag=True, help="With --fivetran-schema: do not read landed types.")
@project_dir_option
@click.option("--dry-run", is_flag=True, help="Print the diff of what would be written; write nothing.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the folder is out of date.")
def scaffold_source_command(source_name: str, fivetran_schema: Path | None, table_columns: tuple[str, ...],
                            from_warehouse: bool, target: str | None, schema: str | None, tables: tuple[str, ...],
                            keys: tuple[str, ...], warn_after: str | None, error_after: str | None,
                            no_warehouse: bool, project_dir: Path | None, dry_run: bool, check: bool) -> None:
    """Staging models and source YAML for a Fivetran connector (see docs/scaffold.md)."""
    from tools.scaffold import ScaffoldOptions, check_schema_name, check_source_name, parse_period, scaffold_source
    from tools.scaffold.report import outcome_lines

    if (fivetran_schema is None) == (not from_warehouse):
        raise click.UsageError("give exactly one of --fivetran-schema FILE and --from-warehouse")
    if table_columns and fivetran_schema is None:
        raise click.UsageError("--table-columns needs --fivetran-schema")
    try:
        check_source_name(source_name)
    except ToolError as exc:
        raise click.BadParameter(str(exc), param_hint="SOURCE_NAME") from None
    if schema is not None:
        try:
            check_schema_name(schema)
        except ToolError as exc:
            raise click.BadParameter(str(exc), param_hint="--schema") from None
    periods = {}
    for option, value in (("--warn-after", warn_after), ("--error-after", error_after)):
        if value is not None:
            try:
                periods[option] = parse_period(value)
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint=option) from None
    key_columns = {table: tuple(c.strip() for c in cols.split(",") if c.strip())
                   for table, cols in _pairs(keys, "--key").items()}
    root = paths.project_root(project_dir)
    options = ScaffoldOptions(
        source_name,
        fivetran_schema=fivetran_schema,
        table_columns={table: Path(path) for table, path in _pairs(table_columns, "--table-columns").items()},
        from_warehouse=from_warehouse,
        use_warehouse=not no_warehouse,
        target=target,
        schema=schema,
        tables=tables,
        keys=key_columns,
        warn_after=periods.get("--warn-after"),
        error_after=periods.get("--error-after"),
        project_dir=root,
        dry_run=dry_run,
        check=check,
    )
    outcome = scaffold_source(options)
    for line in outcome_lines(outcome, root, dry_run=dry_run, check=check):
        click.echo(line)
    if check and outcome.out_of_date:
        sys.exit(1)


# --- operations (docs/runbook.md) -------------------------------------------------------------

# The alerts' own state (ledgers, undelivered messages), in the project: git-ignored.
ALERTS_DIR = Path(".alerts")


@main.command("alert")
@click.option("--run-results", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="run_results.json of a dbt build, run, test, seed or snapshot.")
@click.option("--sources", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="sources.json of `dbt source freshness`.")
@click.option("--environment", type=click.Choice(["prod", "ci", "dev"]), default="dev", show_default=True,
              help="Which routes of the policy apply (ops/alerts.yml).")
@click.option("--dry-run", is_flag=True, help="Print the payloads instead of sending them; change nothing.")
@click.option("--policy", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The alert policy (default: ops/alerts.yml).")
@click.option("--ledger", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Open incidents and failing-run counts (default: the project's "
                   ".alerts/ledger-<environment>.json).")
@click.option("--undelivered", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where messages that could not be sent are appended (default: the project's "
                   ".alerts/undelivered.jsonl).")
@project_dir_option
def alert_command(run_results: Path | None, sources: Path | None, environment: str, dry_run: bool,
                  policy: Path | None, ledger: Path | None, undelivered: Path | None,
                  project_dir: Path | None) -> None:
    """Send the alerts a dbt run's artifacts call for, by the SDD's alert matrix: production
    errors page PagerDuty (once per failing node; resolved when it passes again), the rest posts
    one Slack message per run. SLACK_WEBHOOK_URL, PAGERDUTY_ROUTING_KEY and PAGERDUTY_EVENTS_URL
    come from the environment.

    Exit 0: sent (or nothing to send); 3: a message could not be delivered (it is in
    --undelivered); 1: an unreadable artifact or policy. Run it after the build, keeping the
    build's own exit status: `dbt build; status=$?; tools alert ...; exit $status`.
    """
    from tools.alerts.config import Endpoints, default_policy, load_policy
    from tools.alerts.run import run_alerts

    if run_results is None and sources is None:
        raise click.UsageError("give --run-results, --sources or both")
    root = paths.project_root(project_dir)
    loaded = load_policy(policy or default_policy(root))
    # one ledger per project, wherever the command runs: a second one would page again for what
    # the first has open, and never resolve it
    status = run_alerts(run_results, sources, environment, loaded,
                        ledger or root / ALERTS_DIR / f"ledger-{environment}.json",
                        undelivered or root / ALERTS_DIR / "undelivered.jsonl", dry_run,
                        Endpoints.from_environment(), click.echo)
    sys.exit(status)


@main.command("webhook-serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option("--policy", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The alert policy (default: ops/alerts.yml).")
@click.option("--ledger", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Open incidents (default: the project's .alerts/ledger-webhook.json).")
@click.option("--undelivered", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Messages that could not be sent (default: the project's .alerts/undelivered.jsonl).")
@click.option("--production-environment", "production", multiple=True, default=("Production",), show_default=True,
              help="dbt Cloud environment names whose failures page (repeatable).")
@click.option("--replay-window-minutes", type=click.IntRange(1, 24 * 60), default=60, show_default=True,
              help="How far an event's timestamp may be from now; its id is remembered that long.")
@project_dir_option
def webhook_serve_command(host: str, port: int, policy: Path | None, ledger: Path | None, undelivered: Path | None,
                          production: tuple[str, ...], replay_window_minutes: int, project_dir: Path | None) -> None:
    """Serve POST /webhooks/dbt-cloud: verify dbt Cloud's signature (DBT_CLOUD_WEBHOOK_SECRET), then
    page PagerDuty for a production run that errored and post other failures to Slack, as
    `tools alert` does."""
    import uvicorn

    from tools.alerts.config import Endpoints, default_policy, load_policy
    from tools.alerts.webhook import WebhookSettings, create_app

    secret = os.environ.get("DBT_CLOUD_WEBHOOK_SECRET")
    if not secret:
        raise ToolError("DBT_CLOUD_WEBHOOK_SECRET is not set: the webhook's secret from dbt Cloud "
                        "(Account settings, Webhooks), which signs every delivery")
    root = paths.project_root(project_dir)
    settings = WebhookSettings(secret.encode("utf-8"), ledger or root / ALERTS_DIR / "ledger-webhook.json",
                               undelivered or root / ALERTS_DIR / "undelivered.jsonl",
                               replay_window=timedelta(minutes=replay_window_minutes),
                               production_environments=production)
    app = create_app(settings, load_policy(policy or default_policy(root)), Endpoints.from_environment())
    uvicorn.run(app, host=host, port=port, log_level="info")


# --- the dashboards, previewed locally (docs/dashboards.md) -----------------------------------


@main.group("dashboards", cls=ToolGroup)
def dashboards_group() -> None:
    """The three Sigma dashboards over the local warehouse, as a user of seed_user_region_access sees them."""


@dashboards_group.command("serve")
@click.option("--user", default=None,
              help="Whom to view as (default: the seed's admin first by name); the sidebar changes it.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Where to listen. There is no sign-in: whoever reaches it may view as any user.")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@project_dir_option
def dashboards_serve_command(user: str | None, host: str, port: int, project_dir: Path | None) -> None:
    """Compile the dashboards' queries, then serve the preview on http://HOST:PORT until Ctrl-C."""
    from tools.dashboards.preview import prepare
    from tools.dashboards.serve import run_foreground, streamlit_command

    preview = prepare(project_dir, user, click.echo)
    click.echo(f"serving the dashboards on http://{host}:{port}/ as {preview.user} (open it in a browser; "
               "Ctrl-C stops)")
    command = streamlit_command(preview.analytics, preview.compiled, preview.root, preview.user, host, port)
    sys.exit(run_foreground(command, preview.root))


@dashboards_group.command("screenshot")
@click.option("--user", default=None, help="Whom to view as (default: the seed's admin first by name).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for <dashboard>.png (default: the project's docs/assets/dashboards).")
@project_dir_option
def dashboards_screenshot_command(user: str | None, out: Path | None, project_dir: Path | None) -> None:
    """Serve the preview, open each dashboard in headless chromium and save a PNG of it."""
    from tools.dashboards.preview import SCREENSHOTS_DIR, prepare, take_screenshots

    preview = prepare(project_dir, user, click.echo)
    click.echo(f"photographing the three dashboards as {preview.user}")
    for path in take_screenshots(preview, out or preview.root / SCREENSHOTS_DIR, click.echo):
        click.echo(f"wrote {path}")


@main.command("diagrams")
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="dbt's manifest (default: the project's target/manifest.json; `dbt parse` writes it).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a picture differs from the manifest.")
@project_dir_option
def diagrams_command(manifest: Path | None, check: bool, project_dir: Path | None) -> None:
    """The ERD of the marts and the lineage of the layers in docs/assets (.mmd and .svg), from the manifest."""
    from tools import diagrams
    from tools.fsio import atomic_write

    root = paths.project_root(project_dir)
    loaded = diagrams.load_manifest(manifest or root / "target" / "manifest.json")
    found = diagrams.diagrams(loaded)
    assets = root / diagrams.ASSETS_DIR
    if check:
        problems = diagrams.stale(found, assets)
        for problem in problems:
            click.echo(problem, err=True)
        if problems:
            click.echo("regenerate them: make diagrams", err=True)
        sys.exit(1 if problems else 0)
    click.echo(f"drawing {len(found)} diagrams with Mermaid in headless chromium")
    for path in diagrams.write(found, diagrams.render_svg(found, root / diagrams.MERMAID_JS), assets, atomic_write):
        click.echo(f"wrote {path}")


# --- Snowflake production path (docs/snowflake.md) ------------------------------------------


@main.command("platform-sql")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the statements to FILE instead of standard output.")
@project_dir_option
def platform_sql_command(output: Path | None, project_dir: Path | None) -> None:
    """Print the Snowflake platform set-up in the order it runs: warehouses, databases, schemas,
    masking policies, roles, service users, grants, account parameters, resource monitors.

    Rendered offline from macros/snowflake/platform.sql, the same statements as
    `dbt run-operation platform_setup --target prod` (dry run). Every statement is idempotent.
    """
    from tools.fsio import atomic_write
    from tools.snowflake_platform import platform_statements, render_sql

    text = render_sql(platform_statements(paths.project_root(project_dir)))
    if output is None:
        click.echo(text, nl=False)
        return
    if not output.parent.is_dir():
        raise ToolError(f"cannot write {output}: the folder {output.parent} does not exist")
    try:
        if output.exists() and not output.is_file():
            # a device or a pipe (/dev/stdout): written to, never replaced
            with output.open("w", encoding="utf-8") as stream:
                stream.write(text)
        else:
            atomic_write(output, text)
    except OSError as exc:
        raise ToolError(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {text.count(chr(10))} statements to {output}", err=True)


@main.command("snowflake-dry-run", context_settings={"ignore_unknown_options": True})
@click.argument("dbt_args", nargs=-1, required=True, type=click.UNPROCESSED)
@click.option("--existing", is_flag=True,
              help="Answer that every relation already exists (compile the incremental branches).")
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where dbt writes its target/ and logs/ for this run (default: the project's "
                   "target/snowflake_dry_run).")
@project_dir_option
def snowflake_dry_run_command(dbt_args: tuple[str, ...], existing: bool, workdir: Path | None,
                              project_dir: Path | None) -> None:
    """Run a dbt command against a Snowflake target without an account and print every statement
    dbt would send, e.g. `tools snowflake-dry-run run --target prod`. Nothing connects.
    """
    from tools.snowflake_offline import run_offline

    root = paths.project_root(project_dir)
    # under the project's target/, wherever the command runs: dbt parses every folder of
    # model-paths, so compiled files left in one would be read as models
    workdir = workdir if workdir is not None else root / "target" / "snowflake_dry_run"
    result = run_offline(list(dbt_args), workdir=workdir, existing=existing, project_dir=root)
    for statement in result.statements:
        click.echo(statement.rstrip().rstrip(";") + ";")
    if not result.success:
        raise ToolError(f"dbt {' '.join(dbt_args)} failed offline: {result.error or 'see ' + str(workdir / 'logs')}")


if __name__ == "__main__":
    main()
