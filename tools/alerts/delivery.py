"""Sending a plan's messages: Slack's incoming webhook and PagerDuty's Events API v2, through
httpx, with retries and backoff on what may pass (5xx, 429, time-outs, refused connections).

A message that cannot be delivered is not lost: it is appended, without its secret, to the
undelivered file (one JSON object per line), and the ledger does not record it as sent, so the
next run tries again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tools.alerts.config import Delivery, Endpoints
from tools.alerts.plan import Message, Plan
from tools.fsio import ensure_writable_dir

RETRIED_STATUSES = {429, 500, 502, 503, 504}


@dataclass
class Outcome:
    delivered: list[Message] = field(default_factory=list)
    undelivered: list[tuple[Message, str]] = field(default_factory=list)


def _target(message: Message, endpoints: Endpoints) -> tuple[str, dict[str, Any]] | str:
    """(URL, body) of a message, or why it cannot be sent."""
    if message.destination == "slack":
        if endpoints.slack_webhook_url is None:
            return "SLACK_WEBHOOK_URL is not set"
        return endpoints.slack_webhook_url, message.payload
    if endpoints.pagerduty_routing_key is None:
        return "PAGERDUTY_ROUTING_KEY is not set"
    return endpoints.pagerduty_events_url, {"routing_key": endpoints.pagerduty_routing_key, **message.payload}


def send_one(client: httpx.Client, url: str, body: dict[str, Any], settings: Delivery,
             sleep: Callable[[float], None] = time.sleep) -> str | None:
    """None once the endpoint accepts the message, else the last reason it did not."""
    reason = ""
    for attempt in range(settings.attempts):
        if attempt:
            sleep(settings.backoff_seconds * 2 ** (attempt - 1))
        try:
            response = client.post(url, json=body, timeout=settings.timeout_seconds)
        except httpx.TimeoutException:
            reason = f"timed out after {settings.timeout_seconds:g} s"
            continue
        except httpx.TransportError as exc:
            reason = f"cannot connect: {exc}"
            continue
        if response.is_success:
            return None
        reason = f"HTTP {response.status_code}: {response.text[:200].strip()}"
        if response.status_code not in RETRIED_STATUSES:
            break
    return f"{reason} ({attempt + 1} attempt(s))"


def deliver(plan: Plan, endpoints: Endpoints, settings: Delivery,
            sleep: Callable[[float], None] = time.sleep, client: httpx.Client | None = None) -> Outcome:
    """Send every message, in order; record the ones delivered in the plan's ledger. A long-lived
    caller (the webhook service) passes its client: making one loads the CA bundle each time."""
    outcome = Outcome()
    if not plan.messages:
        return outcome
    if client is None:
        with httpx.Client() as own:
            return deliver(plan, endpoints, settings, sleep, own)
    for message in plan.messages:
        target = _target(message, endpoints)
        if isinstance(target, str):
            outcome.undelivered.append((message, target))
            continue
        url, body = target
        reason = send_one(client, url, body, settings, sleep)
        if reason is None:
            outcome.delivered.append(message)
            record_delivered(plan, message)
        else:
            # The host only: a Slack webhook's path is its secret.
            outcome.undelivered.append((message, f"{httpx.URL(url).host}: {reason}"))
    return outcome


def record_delivered(plan: Plan, message: Message) -> None:
    if message.destination != "pagerduty" or message.dedup_key is None:
        return
    if message.payload["event_action"] == "trigger":
        plan.ledger[message.dedup_key]["paged"] = True
    else:
        plan.ledger.pop(message.dedup_key, None)


def write_undelivered(path: Path, undelivered: list[tuple[Message, str]]) -> None:
    """Append the messages that were not sent, with why, for a later re-send."""
    ensure_writable_dir(path.parent)
    with path.open("a", encoding="utf-8") as stream:
        for message, reason in undelivered:
            stream.write(json.dumps({"destination": message.destination, "reason": reason,
                                     "payload": message.payload}, sort_keys=True) + "\n")
