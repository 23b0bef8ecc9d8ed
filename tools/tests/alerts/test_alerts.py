"""`tools alert`: dbt's artifacts in, the SDD's alert matrix out, received by a real HTTP server
on loopback (pytest-httpserver) standing in for Slack and PagerDuty."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from tools.alerts.config import default_policy, load_policy, parse_policy
from tools.cli import main
from tools.errors import ToolError
from tools.tests.alert_helpers import accept_all, received
from tools.tests.conftest import AS_OF, PROJECT_ROOT, Warehouse

SLACK_PATH = "/services/T000/B000/secret"
INVOCATION = "5f0c6f8e-1111-4c3e-9a62-000000000001"
GENERATED_AT = "2026-12-02T11:05:00.000000Z"
MODEL = "model.dbt_fieldforce.fct_jobs"
ERROR_TEST = "test.dbt_fieldforce.unique_fct_jobs_job_id__last_run.0123456789"
WARN_TEST = "test.dbt_fieldforce.expect_column_mean_to_be_between_fct_revenue.abcdef1234"
SOURCE = "source.dbt_fieldforce.fivetran_postgres.jobs"


def node(unique_id: str, status: str, message: str | None = None, failures: int | None = None) -> dict[str, Any]:
    """One result of a run_results.json, as dbt 1.11 writes it."""
    return {"status": status, "timing": [], "thread_id": "Thread-1 (worker)", "execution_time": 1.25,
            "adapter_response": {}, "message": message, "failures": failures, "unique_id": unique_id,
            "compiled": True, "compiled_code": "select 1", "relation_name": None, "batch_results": None}


def run_results(tmp: Path, *results: dict[str, Any], name: str = "run_results.json") -> Path:
    path = tmp / name
    path.write_text(json.dumps({
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json",
                     "dbt_version": "1.11.16", "generated_at": GENERATED_AT, "invocation_id": INVOCATION,
                     "invocation_started_at": GENERATED_AT, "env": {}},
        "results": list(results), "elapsed_time": 12.5, "args": {"which": "build"}}))
    return path


def freshness(unique_id: str, status: str, hours_ago: float | None = None, error: str | None = None) -> dict:
    result: dict[str, Any] = {"unique_id": unique_id, "status": status, "timing": [], "thread_id": "Thread-1",
                              "execution_time": 0.2, "adapter_response": {}}
    if error is None:
        result.update({"max_loaded_at": "2026-12-02T05:00:00+00:00", "snapshotted_at": GENERATED_AT,
                       "max_loaded_at_time_ago_in_s": (hours_ago or 0) * 3600,
                       "criteria": {"warn_after": {"count": 12, "period": "hour"},
                                    "error_after": {"count": 24, "period": "hour"}, "filter": None}})
    else:
        result["error"] = error
    return result


def sources_json(tmp: Path, *results: dict[str, Any]) -> Path:
    path = tmp / "sources.json"
    path.write_text(json.dumps({
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/sources/v3.json",
                     "dbt_version": "1.11.16", "generated_at": GENERATED_AT, "invocation_id": INVOCATION,
                     "env": {}},
        "results": list(results), "elapsed_time": 1.0}))
    return path


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    """ops/alerts.yml, with no wait between retries."""
    document = yaml.safe_load(default_policy(PROJECT_ROOT).read_text())
    document["delivery"].update({"backoff_seconds": 0, "attempts": 3, "timeout_seconds": 2})
    path = tmp_path / "alerts.yml"
    path.write_text(yaml.safe_dump(document))
    return path


@pytest.fixture
def env(httpserver: HTTPServer) -> dict[str, str]:
    return {"SLACK_WEBHOOK_URL": httpserver.url_for(SLACK_PATH),
            "PAGERDUTY_ROUTING_KEY": "R0UT1NGKEY", "PAGERDUTY_EVENTS_URL": httpserver.url_for("/v2/enqueue")}


def alert(tmp_path: Path, policy: Path, env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(main, ["alert", "--policy", str(policy), "--ledger", str(tmp_path / "ledger.json"),
                                     "--undelivered", str(tmp_path / "undelivered.jsonl"), *args],
                              env=env, catch_exceptions=False)


def test_a_production_model_error_pages_with_a_stable_dedup_key(
        tmp_path: Path, policy: Path, env: dict[str, str], httpserver: HTTPServer) -> None:
    accept_all(httpserver, SLACK_PATH)
    artifact = run_results(tmp_path, node(MODEL, "error", "Runtime Error in model fct_jobs\n  Binder Error: x"),
                           node("model.dbt_fieldforce.dim_date", "success", "OK"),
                           node("model.dbt_fieldforce.rpt_operations_daily", "skipped"))
    result = alert(tmp_path, policy, env, "--run-results", str(artifact), "--environment", "prod")
    assert result.exit_code == 0, result.output
    assert received(httpserver) == [("/v2/enqueue", {
        "routing_key": "R0UT1NGKEY",
        "event_action": "trigger",
        "dedup_key": f"fieldforce/prod/{MODEL}",
        "payload": {
            "summary": "dbt prod: model fct_jobs error: Runtime Error in model fct_jobs: Binder Error: x",
            "source": "fieldforce-dbt",
            "severity": "critical",
            "component": "fct_jobs",
            "group": "model",
            "class": "node_error",
            "custom_details": {"unique_id": MODEL, "environment": "prod",
                               "message": "Runtime Error in model fct_jobs: Binder Error: x", "failures": None,
                               "invocation_id": INVOCATION, "generated_at": GENERATED_AT,
                               "artifact": "run_results.json"},
        },
    })]
    assert json.loads((tmp_path / "ledger.json").read_text()) == {
        f"fieldforce/prod/{MODEL}": {"attempted": True, "failed_runs": 1, "kind": "node_error", "paged": True}}


def test_an_error_test_pages_and_a_warn_test_posts_one_slack_message(
        tmp_path: Path, policy: Path, env: dict[str, str], httpserver: HTTPServer) -> None:
    accept_all(httpserver, SLACK_PATH)
    artifact = run_results(tmp_path, node(ERROR_TEST, "fail", "Got 3 results, configured to fail if != 0", 3),
                           node(WARN_TEST, "warn", "Got 1 result, configured to warn if != 0", 1))
    result = alert(tmp_path, policy, env, "--run-results", str(artifact), "--environment", "prod")
    assert result.exit_code == 0, result.output
    (page_path, page), (slack_path, slack) = received(httpserver)
    assert page_path == "/v2/enqueue" and page["event_action"] == "trigger"
    assert page["payload"]["summary"] == ("dbt prod: test unique_fct_jobs_job_id__last_run failed, 3 failing row(s): "
                                          "Got 3 results, configured to fail if != 0")
    assert page["payload"]["severity"] == "error" and page["payload"]["custom_details"]["failures"] == 3
    title = f"dbt prod (run_results.json, invocation {INVOCATION}): 0 failing, 1 warning"
    assert slack_path == "/services/T000/B000/secret"
    assert slack == {"channel": "#data-alerts", "text": title, "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": (
            "• `expect_column_mean_to_be_between_fct_revenue`: test expect_column_mean_to_be_between_fct_revenue "
            "warned, 1 failing row(s): Got 1 result, configured to warn if != 0")}},
    ]}


def test_freshness_warns_to_slack_and_errors_page(
        tmp_path: Path, policy: Path, env: dict[str, str], httpserver: HTTPServer) -> None:
    accept_all(httpserver, SLACK_PATH)
    artifact = sources_json(tmp_path, freshness(SOURCE, "error", 30.5),
                            freshness("source.dbt_fieldforce.fivetran_quickbooks.invoice", "warn", 13.25),
                            freshness("source.dbt_fieldforce.fivetran_salesforce.account", "pass", 1))
    result = alert(tmp_path, policy, env, "--sources", str(artifact), "--environment", "prod")
    assert result.exit_code == 0, result.output
    (_, page), (_, slack) = received(httpserver)
    assert page["dedup_key"] == f"fieldforce/prod/{SOURCE}"
    assert page["payload"]["summary"] == "dbt prod: source fivetran_postgres.jobs is stale (error): last loaded 30.5 h ago"
    assert page["payload"]["class"] == "freshness_error" and page["payload"]["group"] == "source"
    assert [block["text"]["text"] for block in slack["blocks"][1:]] == [
        "• `fivetran_quickbooks.invoice`: source fivetran_quickbooks.invoice is stale (warn): last loaded 13.2 h ago"]
    assert slack["text"].endswith("0 failing, 1 warning")


def test_outside_production_every_failure_goes_to_slack_and_dev_sends_nothing(
        tmp_path: Path, policy: Path, env: dict[str, str], httpserver: HTTPServer) -> None:
    accept_all(httpserver, SLACK_PATH)
    artifact = run_results(tmp_path, node(MODEL, "error", "Database Error"), node(ERROR_TEST, "fail", "Got 2", 2))
    result = alert(tmp_path, policy, env, "--run-results", str(artifact), "--environment", "ci")
    assert result.exit_code == 0, result.output
    [(path, slack)] = received(httpserver)
    assert path == "/services/T000/B000/secret" and slack["text"].endswith("2 failing, 0 warning")
    assert [block["text"]["text"].split(":")[0] for block in slack["blocks"][1:]] == [
        "• `fct_jobs`", "• `unique_fct_jobs_job_id__last_run`"]

    result = alert(tmp_path, policy, env, "--run-results", str(artifact), "--environment", "dev")
    assert result.exit_code == 0 and "nothing to alert (dev)" in result.output
    assert len(httpserver.log) == 1


def test_a_rerun_does_not_page_twice_and_the_run_that_passes_resolves(
        tmp_path: Path, policy: Path, env: dict[str, str], httpserver: HTTPServer) -> None:
    accept_all(httpserver, SLACK_PATH)
    failing = run_results(tmp_path, node(MODEL, "error", "Database Error"), name="failing.json")
    for _ in range(2):
        assert alert(tmp_path, policy, env, "--run-results", str(failing), "--environment", "prod").exit_code == 0
    assert [body["event_action"] for _, body in received(httpserver)] == ["trigger"]
    assert json.loads((tmp_path / "ledger.json").read_text())[f"fieldforce/prod/{MODEL}"]["failed_runs"] == 2

    # a run that does not include the model leaves its incident open
    other = run_results(tmp_path, node("model.dbt_fieldforce.dim_date", "success"), name="other.json")
    assert alert(tmp_path, policy, env, "--run-results", str(other), "--environment", "prod").exit_code == 0
    assert len(httpserver.log) == 1

    passing = run_results(tmp_path, node(MODEL, "success", "OK"), name="passing.json")
    result = alert(tmp_path, policy, env, "--run-results", str(passing), "--environment", "prod")
    assert result.exit_code == 0, result.output
    assert received(httpserver)[1] == ("/v2/enqueue", {"routing_key": "R0UT1NGKEY", "event_action": "resolve",
                                                       "dedup_key": f"fieldforce/prod/{MODEL}"})
    assert json.loads((tmp_path / "ledger.json").read_text()) == {}
    # passing again sends nothing more
    assert alert(tmp_path, policy, env, "--run-results", str(passing), "--environment", "prod").exit_code == 0
    assert len(httpserver.log) == 2


def test_a_threshold_of_consecutive_failures_posts_to_slack_until_it_pages(
        tmp_path: Path, policy: Path, env: dict[str, str], httpserver: HTTPServer) -> None:
    accept_all(httpserver, SLACK_PATH)
    document = yaml.safe_load(policy.read_text())
    document["thresholds"]["failed_runs_to_page"]["freshness_error"] = 3
    policy.write_text(yaml.safe_dump(document))
    stale = sources_json(tmp_path, freshness(SOURCE, "error", 25))
    for _ in range(3):
        assert alert(tmp_path, policy, env, "--sources", str(stale), "--environment", "prod").exit_code == 0
    bodies = [body for _, body in received(httpserver)]
    assert [body["blocks"][1]["text"]["text"].rsplit("(", 1)[-1] for body in bodies[:2]] == [
        "failing run 1 of 3 before it pages)", "failing run 2 of 3 before it pages)"]
    assert bodies[2]["event_action"] == "trigger" and len(bodies) == 3


def test_a_server_error_is_retried_and_an_unreachable_endpoint_loses_nothing(
        tmp_path: Path, policy: Path, env: dict[str, str], httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/v2/enqueue").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/v2/enqueue").respond_with_json({"status": "success"}, status=202)
    artifact = run_results(tmp_path, node(MODEL, "error", "Database Error"), node(WARN_TEST, "warn", "Got 1", 1))
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/services/T000/B000/secret"
    result = alert(tmp_path, policy, {**env, "SLACK_WEBHOOK_URL": closed},
                   "--run-results", str(artifact), "--environment", "prod")

    assert result.exit_code == 3
    assert [body["event_action"] for _, body in received(httpserver)] == ["trigger", "trigger"]
    assert "sent PagerDuty trigger" in result.output
    assert "NOT SENT Slack #data-alerts" in result.output and "cannot connect" in result.output
    assert "(3 attempt(s))" in result.output and "secret" not in result.output
    [undelivered] = [json.loads(line) for line in (tmp_path / "undelivered.jsonl").read_text().splitlines()]
    assert undelivered["destination"] == "slack" and undelivered["payload"]["text"].endswith("0 failing, 1 warning")
    assert "secret" not in json.dumps(undelivered)
    # the page was delivered, so the ledger has it; the next run does not page again
    assert json.loads((tmp_path / "ledger.json").read_text())[f"fieldforce/prod/{MODEL}"]["paged"] is True


def test_a_page_that_cannot_be_sent_is_tried_again_by_the_next_run(
        tmp_path: Path, policy: Path, env: dict[str, str], httpserver: HTTPServer) -> None:
    artifact = run_results(tmp_path, node(MODEL, "error", "Database Error"))
    result = alert(tmp_path, policy, {k: v for k, v in env.items() if k != "PAGERDUTY_ROUTING_KEY"},
                   "--run-results", str(artifact), "--environment", "prod")
    assert result.exit_code == 3 and "PAGERDUTY_ROUTING_KEY is not set" in result.output
    assert json.loads((tmp_path / "ledger.json").read_text())[f"fieldforce/prod/{MODEL}"]["paged"] is False
    accept_all(httpserver, SLACK_PATH)
    assert alert(tmp_path, policy, env, "--run-results", str(artifact), "--environment", "prod").exit_code == 0
    assert [body["event_action"] for _, body in received(httpserver)] == ["trigger"]


def test_a_dry_run_prints_the_payloads_and_sends_and_records_nothing(
        tmp_path: Path, policy: Path, env: dict[str, str], httpserver: HTTPServer) -> None:
    artifact = run_results(tmp_path, node(MODEL, "error", "Database Error"))
    result = alert(tmp_path, policy, env, "--run-results", str(artifact), "--environment", "prod", "--dry-run")
    assert result.exit_code == 0, result.output
    assert '"routing_key": "$PAGERDUTY_ROUTING_KEY"' in result.output and "R0UT1NGKEY" not in result.output
    assert '"dedup_key": "fieldforce/prod/model.dbt_fieldforce.fct_jobs"' in result.output
    assert "dry run: 1 message(s) not sent" in result.output
    assert not httpserver.log and not (tmp_path / "ledger.json").exists()


@pytest.mark.parametrize(("content", "message"), [
    ("", "not JSON"),
    ("[1, 2]", "not a dbt run_results.json (metadata.dbt_schema_version is 'missing'"),
    ('{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"}, "results": []}',
     "not a dbt run_results.json (metadata.dbt_schema_version is 'https://schemas.getdbt.com/dbt/manifest/v12.json'"),
    ('{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json"}}',
     "a run_results.json without a 'results' list"),
    ('{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json"}, '
     '"results": [{"unique_id": "model.p.m"}]}', "results[0] has no 'status'"),
    ('{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json"}, '
     '"results": [{"unique_id": "model.p.m", "status": "exploded"}]}',
     "results[0] (model.p.m) has an unknown status 'exploded'"),
    ('{"metadata": null, "results": []}', "metadata.dbt_schema_version is 'missing'"),
    ('{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json"}, '
     '"results": [{"unique_id": 5, "status": "error"}]}', "results[0].unique_id is not text: 5"),
    ('{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json"}, '
     '"results": [{"unique_id": "model.p.m", "status": "error", "message": ["x"]}]}',
     "results[0].message is neither text nor null: ['x']"),
])
def test_a_malformed_artifact_is_one_message_and_sends_nothing(
        tmp_path: Path, policy: Path, env: dict[str, str], httpserver: HTTPServer, content: str, message: str) -> None:
    good_sources = sources_json(tmp_path, freshness(SOURCE, "error", 30))
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = CliRunner().invoke(main, ["alert", "--policy", str(policy), "--ledger", str(tmp_path / "ledger.json"),
                                       "--run-results", str(bad), "--sources", str(good_sources),
                                       "--environment", "prod"], env=env)
    assert result.exit_code == 1
    assert result.output.count("error:") == 1 and message in result.output, result.output
    assert not httpserver.log and not (tmp_path / "ledger.json").exists()


@pytest.mark.parametrize(("result", "message"), [
    ({"unique_id": 7, "status": "error"}, "results[0].unique_id is not text: 7"),
    ({"unique_id": SOURCE, "status": "runtime error", "error": 7}, "results[0].error is neither text nor null: 7"),
    ({"unique_id": SOURCE, "status": "stale"}, f"results[0] ({SOURCE}) has an unknown status 'stale'"),
])
def test_a_malformed_sources_json_is_one_message(tmp_path: Path, policy: Path, result: dict, message: str) -> None:
    artifact = sources_json(tmp_path, result)
    outcome = CliRunner().invoke(main, ["alert", "--policy", str(policy), "--ledger", str(tmp_path / "ledger.json"),
                                        "--sources", str(artifact)])
    assert outcome.exit_code == 1 and message in outcome.output, outcome.output


@pytest.mark.parametrize("ledger", ['{"k": {"failed_runs": true, "paged": false}}', '["k"]', "{"])
def test_a_ledger_of_the_wrong_shape_is_one_message(tmp_path: Path, policy: Path, ledger: str) -> None:
    (tmp_path / "ledger.json").write_text(ledger)
    artifact = run_results(tmp_path, node(MODEL, "success"))
    outcome = CliRunner().invoke(main, ["alert", "--policy", str(policy), "--ledger", str(tmp_path / "ledger.json"),
                                        "--run-results", str(artifact)])
    assert outcome.exit_code == 1 and "ledger" in outcome.output and "Traceback" not in outcome.output


def test_a_build_and_its_freshness_check_post_one_slack_message(
        tmp_path: Path, policy: Path, env: dict[str, str], httpserver: HTTPServer) -> None:
    accept_all(httpserver, SLACK_PATH)
    build = run_results(tmp_path, node(WARN_TEST, "warn", "Got 1", 1))
    stale = sources_json(tmp_path, freshness(SOURCE, "warn", 13))
    result = alert(tmp_path, policy, env, "--run-results", str(build), "--sources", str(stale), "--environment", "prod")
    assert result.exit_code == 0, result.output
    [(_, slack)] = received(httpserver)
    assert slack["text"] == (f"dbt prod (run_results.json and sources.json, invocation {INVOCATION}): "
                             "0 failing, 2 warning")
    assert len(slack["blocks"]) == 3


def test_a_page_whose_answer_was_lost_is_still_resolved(
        tmp_path: Path, policy: Path, env: dict[str, str], httpserver: HTTPServer) -> None:
    """PagerDuty opened the incident but its answer never came (a 502 from a proxy, say): the run in
    which the node passes resolves it all the same."""
    httpserver.expect_ordered_request("/v2/enqueue").respond_with_data("bad gateway", status=502)
    httpserver.expect_ordered_request("/v2/enqueue").respond_with_data("bad gateway", status=502)
    httpserver.expect_ordered_request("/v2/enqueue").respond_with_data("bad gateway", status=502)
    failing = run_results(tmp_path, node(MODEL, "error", "Database Error"), name="failing.json")
    assert alert(tmp_path, policy, env, "--run-results", str(failing), "--environment", "prod").exit_code == 3
    httpserver.expect_request("/v2/enqueue").respond_with_json({"status": "success"}, status=202)
    passing = run_results(tmp_path, node(MODEL, "success"), name="passing.json")
    assert alert(tmp_path, policy, env, "--run-results", str(passing), "--environment", "prod").exit_code == 0
    assert [body["event_action"] for _, body in received(httpserver)] == ["trigger"] * 3 + ["resolve"]
    assert json.loads((tmp_path / "ledger.json").read_text()) == {}


def test_a_missing_artifact_and_no_artifact_at_all_are_usage_errors(tmp_path: Path, policy: Path) -> None:
    result = CliRunner().invoke(main, ["alert", "--policy", str(policy), "--run-results", str(tmp_path / "nope.json")])
    assert result.exit_code == 1 and "nope.json: no such file" in result.output
    result = CliRunner().invoke(main, ["alert", "--policy", str(policy)])
    assert result.exit_code == 2 and "give --run-results, --sources or both" in result.output
    result = CliRunner().invoke(main, ["alert", "--environment", "staging", "--sources", "x"])
    assert result.exit_code == 2 and "'staging' is not one of 'prod', 'ci', 'dev'" in result.output


def test_the_committed_policy_is_the_sdds_matrix() -> None:
    policy = load_policy(default_policy(PROJECT_ROOT))
    assert policy.destination("prod", "node_error") == "pagerduty"
    assert policy.destination("prod", "test_fail") == "pagerduty"
    assert policy.destination("prod", "test_warn") == "slack"
    assert policy.destination("prod", "freshness_warn") == "slack"
    assert {policy.destination("ci", kind) for kind in policy.routes["ci"]} == {"slack"}
    assert policy.severity["node_error"] == "critical"


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(version=2), "version must be 1, not 2"),
    (lambda d: d.update(version=True), "version must be 1, not True"),
    (lambda d: d["routes"]["prod"].update(node_error="email"),
     "routes.prod.node_error must be one of pagerduty, slack, none, not 'email'"),
    (lambda d: d["routes"]["prod"].pop("test_warn"), "routes.prod.test_warn must be one of"),
    (lambda d: d["routes"].update(staging={}), "routes has unknown key(s) staging"),
    (lambda d: d["severity"].pop("node_error"), "severity has no entry for node_error"),
    (lambda d: d["severity"].update(node_error="urgent"), "severity.node_error must be one of"),
    (lambda d: d["thresholds"]["failed_runs_to_page"].update(node_error=0),
     "thresholds.failed_runs_to_page.node_error must be a whole number of at least 1, not 0"),
    (lambda d: d["delivery"].update(attempts="many"), "delivery.attempts must be a whole number"),
    (lambda d: d.update(webhook_url="https://hooks.slack.com/x"), "the file has unknown key(s) webhook_url"),
])
def test_a_malformed_policy_names_the_problem(change: Any, message: str) -> None:
    document = yaml.safe_load(default_policy(PROJECT_ROOT).read_text())
    change(document)
    with pytest.raises(ToolError, match="^alerts.yml: ") as raised:
        parse_policy(document, Path("alerts.yml"))
    assert message in str(raised.value)


def test_a_policy_that_is_not_yaml_is_one_message(tmp_path: Path) -> None:
    path = tmp_path / "alerts.yml"
    path.write_text("routes: [unclosed\n")
    result = CliRunner().invoke(main, ["alert", "--policy", str(path), "--sources", "x.json"])
    assert result.exit_code == 1 and "alerts.yml: not valid YAML (line 2)" in result.output


def test_the_refresh_script_alerts_on_a_failed_production_build_and_keeps_its_exit_status(
        built: Warehouse, tmp_path: Path, httpserver: HTTPServer) -> None:
    """scripts/refresh.sh, as the deploy job runs it, on a copy of the built warehouse whose raw
    Salesforce accounts lost a column the staging model reads: the build fails, the model's
    page arrives, freshness ran first, and the script exits with the build's status."""
    accept_all(httpserver, SLACK_PATH)
    wh = built.copy(tmp_path / "wh", clock=AS_OF + timedelta(hours=1))
    with duckdb.connect(str(wh.raw_path)) as con:
        con.execute("alter table fivetran_salesforce.account rename column name to name_gone")
    env = {**wh.env, "TARGET": "local", "ALERT_ENVIRONMENT": "prod", "BUILD_ARGS": "--select stg_salesforce__account",
           "DBT_TARGET_PATH": str(tmp_path / "target"), "DBT_LOG_PATH": str(tmp_path / "logs"),
           "ALERTS_DIR": str(tmp_path / "alerts"), "DBT": str(Path(sys.executable).with_name("dbt")),
           "TOOLS": str(Path(sys.executable).with_name("tools")),
           "SLACK_WEBHOOK_URL": httpserver.url_for(SLACK_PATH),
           "PAGERDUTY_ROUTING_KEY": "R0UT1NGKEY", "PAGERDUTY_EVENTS_URL": httpserver.url_for("/v2/enqueue")}
    result = subprocess.run([str(PROJECT_ROOT / "scripts" / "refresh.sh")], env=env, capture_output=True, text=True,
                            check=False, cwd=tmp_path)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    assert "refresh: dbt source freshness exited" in result.stdout
    assert (tmp_path / "target" / "sources.json").exists()
    pages = {body["dedup_key"]: body for path, body in received(httpserver) if path == "/v2/enqueue"}
    model = pages["fieldforce/prod/model.dbt_fieldforce.stg_salesforce__account"]
    assert model["event_action"] == "trigger" and model["payload"]["severity"] == "critical"
    message = model["payload"]["custom_details"]["message"]
    assert message.startswith("Runtime Error in model stg_salesforce__account") and '"name"' in message, message
    ledger = json.loads((tmp_path / "alerts" / "ledger-prod.json").read_text())
    assert ledger["fieldforce/prod/model.dbt_fieldforce.stg_salesforce__account"]["paged"] is True
