"""`python -m tools.emulator serve|build`: the emulator in the foreground, or the CI run on it.

A command line of its own (not `tools`), because `Emulator` starts `serve` as a child process and
CI runs `build` from scripts/emulator_ci.sh; it lives here so that neither server.py nor
pipeline.py imports the other's caller.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click


@click.group()
def main() -> None:
    """The Snowflake emulator (fakesnow with the project's adjustments; docs/ci.md)."""


@main.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), required=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--db-path", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory of the emulator's database files.")
@click.option("--raw-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The raw DuckDB file to load as ANALYTICS_RAW.")
@click.option("--stock", is_flag=True, help="No adjustments: stock fakesnow, to see what fails.")
@click.option("--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
              default="WARNING", show_default=True)
def serve_command(port: int, host: str, db_path: Path, raw_file: Path | None, stock: bool, log_level: str) -> None:
    """Run the emulator in the foreground until SIGTERM or SIGINT."""
    from tools.emulator.server import serve

    logging.basicConfig(level=log_level.upper())
    serve(port, db_path, raw_file, host, stock)


@main.command("build")
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Where raw data, databases and logs go.")
@click.option("--project-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="DBT_PROJECT_DIR", help="The dbt project (default: the nearest from here upward).")
@click.option("--scale", type=click.FloatRange(min=0, min_open=True), default=0.002, show_default=True)
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=3, show_default=True)
@click.option("--syncs", type=click.IntRange(0, 30), default=1, show_default=True)
def build_command(workdir: Path, project_dir: Path | None, scale: float, seed: int, syncs: int) -> None:
    """The emulator CI run: build, sync, build again, on the emulator and on DuckDB; compare."""
    from tools.emulator.pipeline import EmulatorRun, StepFailed
    from tools.errors import ToolError
    from tools.paths import project_root

    try:
        run = EmulatorRun(workdir.resolve(), project_dir=project_root(project_dir), scale=scale, seed=seed,
                          syncs=syncs)
    except ToolError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        diffs = run.run()
    except StepFailed as exc:
        click.echo(f"[emulator-ci] FAILED: {exc}", err=True)
        sys.exit(1)
    unequal = [name for name, (a, b, _) in diffs.items() if a or b]
    if unequal:
        click.echo(f"[emulator-ci] the emulator and DuckDB differ in: {', '.join(unequal)}", err=True)
        sys.exit(1)
    click.echo(f"[emulator-ci] {len(diffs)} tables equal on the emulator and DuckDB")


if __name__ == "__main__":
    main()
