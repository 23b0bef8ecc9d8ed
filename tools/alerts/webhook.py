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
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, AsyncIterator, Callable

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
from tools.alerts.plan import RunContext, plan_alerts

LOG = logging.getLogger("fieldforce.webhook")
MAX_BODY_BYTES = 1_000_000
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
    replay_window: timedelta = timedelta(minutes=5)
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
    try:
        # dbt Cloud sends nanoseconds (2023-01-31T19:28:15.742843678Z): Python parses microseconds.
        head, dot, tail = value.rstrip("Z").partition(".")
        parsed = datetime.fromisoformat(head + (dot + tail[:6] if dot else ""))
    except ValueError:
        raise BadRequest(400, f"timestamp {value[:40]!r} is not ISO 8601") from None
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed


def finding_of_event(event: dict[str, Any]) -> Finding | None:
    """The run as a finding of node `job.<project>.<job>`; None for a status that alerts nobody."""
    data = event.get("data")
    if not isinstance(data, dict):
        raise BadRequest(400, "no 'data' object")
    status = data.get("runStatus")
    if status not in RUN_STATUS_KINDS:
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
    return Finding(f"job.{data.get('projectId', 'dbt_cloud')}.{name}", kind, message)


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
        # The service is its ledger's only writer: read once, written when a delivery changes it.
        self.ledger = load_ledger(settings.ledger_path)
        self.client = httpx.Client()

    def _forget_old(self, now: datetime) -> None:
        while self.seen and next(iter(self.seen.values())) < now - self.settings.replay_window:
            self.seen.popitem(last=False)

    def handle(self, body: bytes, signature: str | None) -> tuple[int, dict[str, Any]]:
        if signature is None or not hmac.compare_digest(signature.strip().lower(),
                                                        signature_of(self.settings.secret, body)):
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
            if finding is None:
                self.seen[event_id] = now
                return 200, {"status": "ignored", "eventId": event_id}
            context = RunContext(environment, str(event["data"].get("runId", "unknown")),
                                 sent_at.isoformat(), f"dbt Cloud {event.get('eventType', 'event')}")
            plan = plan_alerts([finding], context, self.policy, self.ledger)
            outcome = deliver(plan, self.endpoints, self.policy.delivery, client=self.client)
            if plan.ledger != self.ledger:
                save_ledger(self.settings.ledger_path, plan.ledger)
                self.ledger = plan.ledger
            if outcome.undelivered:
                write_undelivered(self.settings.undelivered_path, outcome.undelivered)
                LOG.warning("event %s: %d message(s) undelivered: %s", event_id, len(outcome.undelivered),
                            "; ".join(reason for _, reason in outcome.undelivered))
                return 503, {"status": "undelivered", "eventId": event_id}
            self.seen[event_id] = now
            return 200, {"status": "sent", "eventId": event_id, "messages": len(outcome.delivered)}


def create_app(settings: WebhookSettings, policy: Policy, endpoints: Endpoints,
               clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> Starlette:
    handler = WebhookHandler(settings, policy, endpoints, clock)

    async def dbt_cloud(request: Request) -> JSONResponse:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            LOG.warning("rejected a delivery from %s: body of %d bytes", request.client, len(body))
            return JSONResponse({"error": "body too large"}, status_code=413)
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
