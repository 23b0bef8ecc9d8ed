"""The production schedule as code (ops/dbt_cloud_jobs.yml), checked offline: dbt-jobs-as-code
validates it, every step is a dbt command dbt's own parser accepts, and the daily build runs by
6 AM US Eastern in winter and in summer."""

from __future__ import annotations

import shlex
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import pytest
import yaml
from croniter import croniter
from dbt.cli.main import cli as dbt_cli

from tools.tests.conftest import PROJECT_ROOT

ROOT = PROJECT_ROOT
JOBS = ROOT / "ops" / "dbt_cloud_jobs.yml"
VARS = ROOT / "ops" / "dbt_cloud_vars.yml"
EASTERN = ZoneInfo("America/New_York")


def rendered() -> dict[str, Any]:
    """The jobs as dbt-jobs-as-code renders them: the file is a Jinja template of the vars file."""
    variables = yaml.safe_load(VARS.read_text())
    text = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(JOBS.read_text()).render(variables)
    return yaml.safe_load(text)["jobs"]


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).with_name("dbt-jobs-as-code")
    return subprocess.run([str(command), "validate", str(path), "--vars-yml", str(VARS)],
                          capture_output=True, text=True, check=False)


def test_dbt_jobs_as_code_validates_the_jobs_offline() -> None:
    result = validate(JOBS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid YML format" in result.stdout + result.stderr


@pytest.mark.parametrize(("old", "new"), [
    ("    execute_steps:", "    execute_stepz:"),
    ("      threads: 8", "      threads: eight"),
    ("    job_type: ci", "    job_type: nightly"),
])
def test_a_broken_job_file_fails_validation(tmp_path: Path, old: str, new: str) -> None:
    broken = tmp_path / "jobs.yml"
    broken.write_text(JOBS.read_text().replace(old, new, 1))
    assert validate(broken).returncode != 0


def test_every_step_is_a_command_dbt_parses() -> None:
    with pytest.raises(Exception, match="No such option"):  # the check can fail
        dbt_cli.commands["build"].make_context("build", ["--selct", "x"], parent=dbt_cli.make_context("dbt", ["build"]))
    for name, job in rendered().items():
        for step in job["execute_steps"]:
            words = shlex.split(step)
            assert words[0] == "dbt", f"{name}: {step}"
            command = dbt_cli.commands[words[1]]
            command.make_context(words[1], words[2:], parent=dbt_cli.make_context("dbt", [words[1]]))


def test_the_jobs_are_the_ones_the_sdd_and_the_docs_describe() -> None:
    jobs = rendered()
    assert set(jobs) == {"daily_production", "weekly_full_tests", "pull_request_ci"}
    daily, weekly, ci = jobs["daily_production"], jobs["weekly_full_tests"], jobs["pull_request_ci"]
    assert daily["run_generate_sources"] is True and daily["execute_steps"] == ["dbt build"]
    assert daily["triggers"]["schedule"] is True and daily["settings"]["target_name"] == "prod"
    # the weekly job runs the full-test command docs/testing.md documents
    assert weekly["execute_steps"] == ["dbt build --vars '{full_tests: true}'"]
    assert "`dbt build --vars '{full_tests: true}'`" in (ROOT / "docs" / "testing.md").read_text()
    assert ci["job_type"] == "ci" and ci["triggers"]["git_provider_webhook"] is True
    assert "--select state:modified+" in ci["execute_steps"][0]
    assert ci["deferring_environment_id"] == daily["environment_id"] != ci["environment_id"]
    profiles = yaml.safe_load((ROOT / "profiles.yml").read_text())["dbt_fieldforce"]["outputs"]
    assert {job["settings"]["target_name"] for job in jobs.values()} <= set(profiles)


@pytest.mark.parametrize("day", [datetime(2026, 1, 15), datetime(2026, 7, 15), datetime(2026, 3, 9),
                                 datetime(2026, 11, 2)])
def test_the_daily_build_starts_by_6_am_eastern_in_every_season(day: datetime) -> None:
    """dbt Cloud's cron is UTC: the start must be at most 6:00 and at least 5:00 Eastern, on both
    sides of the daylight-saving changes."""
    cron = rendered()["daily_production"]["schedule"]["cron"]
    start_utc = croniter(cron, day.replace(tzinfo=ZoneInfo("UTC"))).get_next(datetime)
    eastern = start_utc.astimezone(EASTERN)
    assert eastern.date() == day.date()
    assert (5, 0) <= (eastern.hour, eastern.minute) <= (6, 0), eastern
