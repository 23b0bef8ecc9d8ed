"""The dbt Cloud webhook service the SDD sketches: `POST /webhooks/dbt-cloud`.

dbt Cloud signs each delivery: its `Authorization` header is the HMAC-SHA256 of the raw body,
keyed by the webhook's secret, in hex. The service checks it before it reads the JSON, rejects
a replay (an event id it has already handled, or a timestamp outside the window), and routes the
run the way `tools alert` routes a node (tools/alerts/plan.py): a production run that errored
pages PagerDuty, keyed by its job so that dbt Cloud's retries and re-runs page once, and the next
successful run of the job resolves it; other environments post to Slack.

A message that cannot be delivered is kept in the undelivered file and the request answered 503,
without recording the event as handled, so dbt Cloud's own retries (five) try again.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tools.alerts.config import Endpoints, Policy
from tools.alerts.delivery import deliver, write_undelivered
from tools.alerts.findings import Finding, Kind
from tools.alerts.ledger import load_ledger, save_ledger
from tools.alerts.plan import Message, Plan, RunContext, plan_alerts

LOG = logging.getLogger("fieldforce.webhook")
MAX_BODY_BYTES = 1_000_000
MAX_PENDING_EVENTS = 1_000
# dbt Cloud's runStatus; the SDD's sketch says "Error", the API says "Errored".
RUN_STATUS_KINDS: dict[str, Kind | None] = {
    "Success": "ok", "Errored": "node_error", "Error": "node_error", "Cancelled": None, "Canceled": None,
    "Running": None, "Starting": None, "Queued": None,
}


@dataclass(frozen=True)
class WebhookSettings:
    secret: bytes
    ledger_path: Path
    undelivered_path: Path
    # dbt Cloud retries a failed delivery, possibly with its first timestamp: the window covers its
    # retries, and the event ids seen within it catch a replay inside the window.
    replay_window: timedelta = timedelta(hours=1)
    production_environments: tuple[str, ...] = ("Production",)


def signature_of(secret: bytes, body: bytes) -> str:
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


class BadRequest(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _parse_timestamp(value: Any) -> datetime:
    if not isinstance(value, str):
        raise BadRequest(400, "timestamp missing")
    # dbt Cloud sends nanoseconds (2023-01-31T19:28:15.742843678Z): Python parses microseconds.
    trimmed = re.sub(r"(\.\d{6})\d+", r"\1", value.strip())
    try:
        parsed = datetime.fromisoformat(trimmed[:-1] + "+00:00" if trimmed.endswith("Z") else trimmed)
    except ValueError:
        raise BadRequest(400, f"timestamp {value[:40]!r} is not ISO 8601") from None
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed


def finding_of_event(event: dict[str, Any]) -> Finding | None:
    """The run as a finding of node `job.<project>.<job>`; None for a status that alerts nobody."""
    data = event.get("data")
    if not isinstance(data, dict):
        raise BadRequest(400, "no 'data' object")
    status = data.get("runStatus")
    if not isinstance(status, str) or status not in RUN_STATUS_KINDS:
        raise BadRequest(400, f"unknown runStatus {str(status)[:40]!r}")
    kind = RUN_STATUS_KINDS[status]
    if kind is None:
        return None
    job = data.get("jobId")
    if not isinstance(job, (str, int)) or not str(job):
        raise BadRequest(400, "no 'data.jobId'")
    name = str(data.get("jobName") or job)
    message = f"run {data.get('runId', '?')} {status}"
    if data.get("runStatusMessage") not in (None, "", "None"):
        message += f": {str(data['runStatusMessage']).splitlines()[0]}"
    # keyed by the job's id: a renamed job keeps its incident, two jobs of one name do not share one
    return Finding(f"job.{data.get('projectId', 'dbt_cloud')}.{job}", kind, message, label=name)


class WebhookHandler:
    """Verifies, de-duplicates and routes deliveries; one at a time, as they share the ledger."""

    def __init__(self, settings: WebhookSettings, policy: Policy, endpoints: Endpoints,
                 clock: Callable[[], datetime]) -> None:
        self.settings = settings
        self.policy = policy
        self.endpoints = endpoints
        self.clock = clock
        self.lock = threading.Lock()
        self.seen: OrderedDict[str, datetime] = OrderedDict()
        # An event whose messages were not all delivered: what is left to send when dbt Cloud
        # retries it. Its counts are in the ledger already, so a retry does not count it again.
        self.pending: dict[str, list[Message]] = {}
        # The service is its ledger's only writer: read once, written when a delivery changes it.
        self.ledger = load_ledger(settings.ledger_path)
        self.client = httpx.Client()

    def _forget_old(self, now: datetime) -> None:
        while self.seen and next(iter(self.seen.values())) < now - self.settings.replay_window:
            self.seen.popitem(last=False)

    def handle(self, body: bytes, signature: str | None) -> tuple[int, dict[str, Any]]:
        expected = signature_of(self.settings.secret, body).encode("ascii")
        # as bytes: compare_digest refuses a str that is not ASCII
        if signature is None or not hmac.compare_digest(signature.strip().lower().encode("utf-8", "replace"),
                                                        expected):
            raise BadRequest(401, "missing or bad signature")
        try:
            event = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise BadRequest(400, "body is not JSON") from None
        if not isinstance(event, dict):
            raise BadRequest(400, "body is not a JSON object")
        event_id = event.get("eventId")
        if not isinstance(event_id, str) or not event_id:
            raise BadRequest(400, "no 'eventId'")
        sent_at = _parse_timestamp(event.get("timestamp"))
        finding = finding_of_event(event)
        environment_name = str(event["data"].get("environmentName", ""))
        environment = "prod" if environment_name in self.settings.production_environments else "ci"
        with self.lock:
            now = self.clock()
            if abs(now - sent_at) > self.settings.replay_window:
                raise BadRequest(409, f"event {event_id} sent at {sent_at.isoformat()}, outside the "
                                      f"{self.settings.replay_window.total_seconds():.0f} s window: a replay?")
            self._forget_old(now)
            if event_id in self.seen:
                raise BadRequest(409, f"event {event_id} already handled: a replay")
            if event_id in self.pending:
                ledger = {key: dict(entry) for key, entry in self.ledger.items()}
                return self._send(event_id, Plan(messages=self.pending.pop(event_id), ledger=ledger), now)
            if finding is None:
                self.seen[event_id] = now
                return 200, {"status": "ignored", "eventId": event_id}
            context = RunContext(environment, str(event["data"].get("runId", "unknown")),
                                 sent_at.isoformat(), f"dbt Cloud {event.get('eventType', 'event')}")
            return self._send(event_id, plan_alerts([finding], context, self.policy, self.ledger), now)

    def _send(self, event_id: str, plan: Plan, now: datetime) -> tuple[int, dict[str, Any]]:
        outcome = deliver(plan, self.endpoints, self.policy.delivery, client=self.client)
        if plan.ledger != self.ledger:
            save_ledger(self.settings.ledger_path, plan.ledger)
            self.ledger = plan.ledger
        if outcome.undelivered:
            write_undelivered(self.settings.undelivered_path, outcome.undelivered)
            LOG.warning("event %s: %d message(s) undelivered: %s", event_id, len(outcome.undelivered),
                        "; ".join(reason for _, reason in outcome.undelivered))
            self.pending[event_id] = [message for message, _ in outcome.undelivered]
            while len(self.pending) > MAX_PENDING_EVENTS:  # retries dbt Cloud gave up on
                self.pending.pop(next(iter(self.pending)))
            return 503, {"status": "undelivered", "eventId": event_id}
        self.seen[event_id] = now
        return 200, {"status": "sent", "eventId": event_id, "messages": len(outcome.delivered)}


def create_app(settings: WebhookSettings, policy: Policy, endpoints: Endpoints,
               clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> Starlette:
    handler = WebhookHandler(settings, policy, endpoints, clock)

    async def dbt_cloud(request: Request) -> JSONResponse:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            LOG.warning("rejected a delivery: body too large (%s bytes declared)", declared)
            return JSONResponse({"error": "body too large"}, status_code=413)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                LOG.warning("rejected a delivery: body too large (over %d bytes)", MAX_BODY_BYTES)
                return JSONResponse({"error": "body too large"}, status_code=413)
            chunks.append(chunk)
        body = b"".join(chunks)
        try:
            status, answer = await run_in_threadpool(handler.handle, body, request.headers.get("authorization"))
        except BadRequest as exc:
            LOG.warning("rejected a delivery (%d): %s", exc.status, exc.reason)
            return JSONResponse({"error": exc.reason}, status_code=exc.status)
        return JSONResponse(answer, status_code=status)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        handler.client.close()

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[Route("/webhooks/dbt-cloud", dbt_cloud, methods=["POST"]),
                             Route("/healthz", health, methods=["GET"])],
                     lifespan=lifespan)
