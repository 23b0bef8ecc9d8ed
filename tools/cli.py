"""The `tools` command line: thin wrappers that parse arguments, call the core and print."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, TypeVar

import click

from tools.errors import ToolError

F = TypeVar("F", bound=Callable[..., object])


def _parse_as_of(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not an ISO timestamp such as 2026-01-31T06:00:00") from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


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
@click.option("--scale", type=float, default=0.01, show_default=True,
              help="1 means the SDD's production volumes (10M jobs); fractions work.")
@click.option("--seed", type=int, default=42, show_default=True, help="Same seed, same data.")
@click.option("--as-of", "as_of", default=None,
              help="UTC time the landing is as of (ISO). Default: now, so freshness checks pass.")
@click.option("--gps-days", type=click.IntRange(1, 30), default=2, show_default=True,
              help="Days of GPS history to land.")
@click.option("--quiet", is_flag=True, help="No progress output.")
def generate_raw_command(scale: float, seed: int, as_of: str | None, gps_days: int, quiet: bool) -> None:
    """Land all six Fivetran sources into the local analytics_raw database."""
    from tools.rawgen.generate import generate_raw

    if scale <= 0:
        raise click.BadParameter("must be greater than 0", param_hint="--scale")
    generate_raw(scale=scale, seed=seed, as_of=_parse_as_of(as_of), gps_days=gps_days,
                 progress=None if quiet else click.echo)


@main.command("sync")
@click.option("--seed", type=int, required=True, help="Seed of this batch; same seed, same batch.")
@click.option("--as-of", "as_of", default=None,
              help="UTC time of this sync (ISO). Default: now; must be later than the last sync.")
@click.option("--span-hours", type=click.FloatRange(min=0.25, max=24 * 7), default=24.0, show_default=True,
              help="How much business activity the batch carries.")
@click.option("--add-column", is_flag=True,
              help="Schema drift: the source adds a column (postgres jobs.job_source).")
@click.option("--quiet", is_flag=True, help="No progress output.")
def sync_command(seed: int, as_of: str | None, span_hours: float, add_column: bool, quiet: bool) -> None:
    """Land the next Fivetran sync on top of the local raw data."""
    from tools.rawgen.sync import sync_batch

    sync_batch(seed=seed, as_of=_parse_as_of(as_of), span_hours=span_hours, add_column=add_column,
               progress=None if quiet else click.echo)


# --- project checks -------------------------------------------------------------------------


@main.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--project-dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="The dbt project (default: the nearest folder with dbt_project.yml).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--list-rules", is_flag=True, help="Print every rule code and what it checks, then exit.")
def check_command(paths: tuple[Path, ...], project_dir: Path | None, output_format: str, list_rules: bool) -> None:
    """Check naming, layering, coverage and governance rules from the project's files.

    PATHS limits the report to findings in those files or folders; the whole project is always
    read, because the rules look across files. Exit 0: clean, 1: findings, 2: usage error or
    unreadable YAML.
    """
    from tools.check.project import find_project_root
    from tools.check.report import format_json, format_rules, format_text
    from tools.check.runner import run_check

    if list_rules:
        click.echo(format_rules())
        return
    root = project_dir.resolve() if project_dir is not None else find_project_root(Path.cwd())
    result = run_check(root, paths)
    click.echo(format_json(result) if output_format == "json" else format_text(result))
    if result.findings:
        sys.exit(1)


if __name__ == "__main__":
    main()
