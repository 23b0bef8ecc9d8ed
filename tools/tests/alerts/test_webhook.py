"""The dbt Cloud webhook service, served by uvicorn on loopback, signed and unsigned deliveries,
with Slack and PagerDuty stood in for by a loopback server (pytest-httpserver)."""

from __future__ import annotations

import json
import logging
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
import yaml
from pytest_httpserver import HTTPServer

from tools.alerts.config import Endpoints, default_policy, parse_policy
from tools.alerts.webhook import WebhookSettings, create_app, signature_of
from tools.tests.alert_helpers import accept_all, received
from tools.tests.conftest import PROJECT_ROOT

SLACK_PATH = "/slack/hook"
SECRET = b"whsec-test-0123456789"
NOW = datetime(2026, 12, 2, 11, 0, tzinfo=timezone.utc)


def event(event_id: str, status: str = "Errored", environment: str = "Production", job: str = "101",
          sent_at: datetime = NOW, **data: Any) -> dict[str, Any]:
    """A delivery as dbt Cloud sends it (docs: Webhooks for your jobs)."""
    return {
        "accountId": 1, "webhooksID": "wsu_1", "eventId": event_id,
        "timestamp": sent_at.strftime("%Y-%m-%dT%H:%M:%S.%f") + "123Z",  # nanoseconds, as dbt Cloud writes
        "eventType": "job.run.errored" if status == "Errored" else "job.run.completed", "webhookName": "alerts",
        "data": {"jobId": job, "jobName": "Daily production build", "runId": f"run-{event_id}",
                 "environmentId": "7", "environmentName": environment, "dbtVersion": "1.11", "projectName": "FieldForce",
                 "projectId": "42", "runStatus": status, "runStatusCode": 20 if status == "Errored" else 10,
                 "runStatusMessage": "Database Error in model fct_jobs\n  more" if status == "Errored" else "None",
                 "runReason": "Kicked off by the schedule", **data},
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def service(tmp_path: Path, httpserver: HTTPServer) -> Iterator[str]:
    """The app under uvicorn on a loopback port, its clock pinned to NOW; its base URL."""
    document = yaml.safe_load(default_policy(PROJECT_ROOT).read_text())
    document["delivery"].update({"backoff_seconds": 0, "attempts": 2, "timeout_seconds": 2})
    endpoints = Endpoints(httpserver.url_for(SLACK_PATH), "R0UT1NGKEY", httpserver.url_for("/v2/enqueue"))
    settings = WebhookSettings(SECRET, tmp_path / "ledger.json", tmp_path / "undelivered.jsonl")
    app = create_app(settings, parse_policy(document, default_policy(PROJECT_ROOT)), endpoints, clock=lambda: NOW)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # generous: CI machines are shared
    while not server.started:
        assert time.monotonic() < deadline, "the webhook service did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def post(base: str, body: bytes, signature: str | None, client: httpx.Client | None = None) -> httpx.Response:
    headers: dict[bytes, bytes] = {b"content-type": b"application/json"}
    if signature is not None:
        headers[b"authorization"] = signature.encode("utf-8")  # bytes: a header need not be ASCII
    if client is not None:
        return client.post(f"{base}/webhooks/dbt-cloud", content=body, headers=headers)
    return httpx.post(f"{base}/webhooks/dbt-cloud", content=body, headers=headers, timeout=10)


def signed(base: str, payload: dict[str, Any], client: httpx.Client | None = None) -> httpx.Response:
    body = json.dumps(payload).encode()
    return post(base, body, signature_of(SECRET, body), client)


def test_a_signed_production_error_pages_once_and_the_next_success_resolves(
        service: str, httpserver: HTTPServer) -> None:
    accept_all(httpserver, SLACK_PATH)
    response = signed(service, event("wev_1"))
    assert response.status_code == 200 and response.json() == {"status": "sent", "eventId": "wev_1", "messages": 1}
    [(path, page)] = received(httpserver)
    assert path == "/v2/enqueue"
    assert page["routing_key"] == "R0UT1NGKEY" and page["event_action"] == "trigger"
    assert page["dedup_key"] == "fieldforce/prod/job.42.101"
    assert page["payload"]["summary"] == ("dbt prod: job Daily production build error: "
                                          "run run-wev_1 Errored: Database Error in model fct_jobs")
    assert page["payload"]["severity"] == "critical"

    # the job's re-run fails too: no second page
    assert signed(service, event("wev_2")).status_code == 200
    assert len(httpserver.log) == 1
    assert signed(service, event("wev_3", status="Success")).status_code == 200
    assert received(httpserver)[1] == ("/v2/enqueue", {"routing_key": "R0UT1NGKEY", "event_action": "resolve",
                                                      "dedup_key": "fieldforce/prod/job.42.101"})


def test_a_failure_outside_production_posts_to_slack_and_a_start_alerts_nobody(
        service: str, httpserver: HTTPServer) -> None:
    accept_all(httpserver, SLACK_PATH)
    assert signed(service, event("wev_ci", environment="CI")).status_code == 200
    [(path, slack)] = received(httpserver)
    assert path == "/slack/hook" and slack["channel"] == "#data-alerts"
    assert slack["blocks"][1]["text"]["text"].startswith("• `Daily production build`: job Daily production build error")
    response = signed(service, event("wev_start", status="Running"))
    assert response.json() == {"status": "ignored", "eventId": "wev_start"} and len(httpserver.log) == 1


@pytest.mark.parametrize(("make", "status", "logged"), [
    (lambda body: post_args(body, None), 401, "missing or bad signature"),
    (lambda body: post_args(body, signature_of(b"another secret", body)), 401, "missing or bad signature"),
    (lambda body: post_args(body + b" ", signature_of(SECRET, body)), 401, "missing or bad signature"),
    (lambda body: post_args(b"{not json", signature_of(SECRET, b"{not json")), 400, "body is not JSON"),
    (lambda body: post_args(b"[]", signature_of(SECRET, b"[]")), 400, "body is not a JSON object"),
    (lambda body: signed_args({"eventId": "x", "timestamp": "2026-12-02T11:00:00Z"}), 400, "no 'data' object"),
    (lambda body: signed_args({**event("wev_9"), "timestamp": "yesterday"}), 400, "is not ISO 8601"),
    (lambda body: signed_args(event("wev_9", status="Exploded")), 400, "unknown runStatus 'Exploded'"),
    (lambda body: signed_args(event("wev_9", sent_at=NOW - timedelta(minutes=61))), 409, "outside the 3600 s window"),
    (lambda body: post_args(body, "é" * 64), 401, "missing or bad signature"),
    (lambda body: signed_args(event("wev_9", runStatus=["Errored"])), 400, "unknown runStatus"),
    (lambda body: post_args(b" " * 1_000_001, "0" * 64), 413, "body too large"),
])
def test_a_bad_delivery_is_rejected_with_a_4xx_and_a_log_line_and_sends_nothing(
        service: str, httpserver: HTTPServer, caplog: pytest.LogCaptureFixture, make: Any, status: int,
        logged: str) -> None:
    body, signature = make(json.dumps(event("wev_8")).encode())
    with caplog.at_level(logging.WARNING, logger="fieldforce.webhook"):
        response = post(service, body, signature)
    assert response.status_code == status and logged in response.json()["error"]
    assert any(logged in record.getMessage() for record in caplog.records)
    assert not httpserver.log


def post_args(body: bytes, signature: str | None) -> tuple[bytes, str | None]:
    return body, signature


def signed_args(payload: dict[str, Any]) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    return body, signature_of(SECRET, body)


def test_a_timestamp_with_an_offset_is_read_as_such(service: str, httpserver: HTTPServer) -> None:
    accept_all(httpserver, SLACK_PATH)
    payload = event("wev_tz", environment="CI")
    payload["timestamp"] = "2026-12-02T06:00:00.123456789-05:00"  # NOW, in New York
    assert signed(service, payload).status_code == 200


def test_a_replayed_event_is_rejected(service: str, httpserver: HTTPServer) -> None:
    accept_all(httpserver, SLACK_PATH)
    assert signed(service, event("wev_r", environment="CI")).status_code == 200
    replay = signed(service, event("wev_r", environment="CI"))
    assert replay.status_code == 409 and "already handled" in replay.json()["error"]
    assert len(httpserver.log) == 1


def test_an_undeliverable_alert_answers_503_so_that_dbt_cloud_retries(
        service: str, httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_ordered_request("/slack/hook").respond_with_data("down", status=500)
    httpserver.expect_ordered_request("/slack/hook").respond_with_data("down", status=500)
    assert signed(service, event("wev_u", environment="CI")).status_code == 503
    [kept] = [json.loads(line) for line in (tmp_path / "undelivered.jsonl").read_text().splitlines()]
    assert kept["destination"] == "slack" and "HTTP 500" in kept["reason"]
    httpserver.expect_request("/slack/hook").respond_with_data("ok")
    retry = signed(service, event("wev_u", environment="CI"))  # dbt Cloud's retry of the same event
    assert retry.status_code == 200 and len(httpserver.log) == 3


def test_a_retried_event_sends_only_what_was_not_delivered_and_counts_once(
        service: str, httpserver: HTTPServer, tmp_path: Path) -> None:
    """A production failure pages and posts nothing else; when PagerDuty is down, dbt Cloud's
    retries resend the page, and the node's failing-run count stays at one run."""
    httpserver.expect_ordered_request("/v2/enqueue").respond_with_data("down", status=503)
    httpserver.expect_ordered_request("/v2/enqueue").respond_with_data("down", status=503)
    assert signed(service, event("wev_p")).status_code == 503
    httpserver.expect_request("/v2/enqueue").respond_with_json({"status": "success"}, status=202)
    assert signed(service, event("wev_p")).status_code == 200
    assert [body["event_action"] for _, body in received(httpserver)] == ["trigger"] * 3
    ledger = json.loads((tmp_path / "ledger.json").read_text())
    assert ledger["fieldforce/prod/job.42.101"]["failed_runs"] == 1
    assert ledger["fieldforce/prod/job.42.101"]["paged"] is True
    assert signed(service, event("wev_p")).status_code == 409  # handled now: a replay


def test_two_thousand_deliveries_from_twenty_clients_lose_none(service: str, httpserver: HTTPServer) -> None:
    """A bounded load test: every delivery is answered 200 and every failure's message arrives."""
    accept_all(httpserver, SLACK_PATH)
    payloads = [event(f"wev_load_{n}", status="Errored" if n % 4 == 0 else "Success", environment="CI",
                      job=str(n)) for n in range(2000)]
    latencies: list[float] = []

    def client_run(share: list[dict[str, Any]]) -> list[int]:
        statuses = []
        with httpx.Client(timeout=30) as client:
            for payload in share:
                started = time.perf_counter()
                statuses.append(signed(service, payload, client).status_code)
                latencies.append(time.perf_counter() - started)
        return statuses

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = [status for share in pool.map(client_run, [payloads[i::20] for i in range(20)]) for status in share]
    assert statuses == [200] * 2000
    assert sorted(body["blocks"][1]["text"]["text"].split("run run-")[1].split(" ")[0]
                  for _, body in received(httpserver)) == sorted(f"wev_load_{n}" for n in range(0, 2000, 4))
    ordered = sorted(latencies)
    print(f"\nwebhook load: 2000 deliveries, 20 clients: P50 {statistics.median(ordered) * 1000:.1f} ms, "
          f"P99 {ordered[int(0.99 * len(ordered)) - 1] * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms")
