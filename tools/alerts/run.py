"""`tools alert`: a run's artifacts in, alerts out (plan, send, keep the ledger)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from tools.alerts.config import Endpoints, Policy
from tools.alerts.delivery import deliver, write_undelivered
from tools.alerts.findings import Finding, findings_of_run_results, findings_of_sources
from tools.alerts.ledger import load_ledger, save_ledger
from tools.alerts.plan import RunContext, plan_alerts

# `tools alert`'s exit status when a message could not be delivered (written to the undelivered
# file): not 1, so a pipeline can tell it from a bad artifact or policy.
UNDELIVERED_EXIT = 3


def read_artifacts(run_results: Path | None, sources: Path | None,
                   environment: str) -> list[tuple[list[Finding], RunContext]]:
    """The findings of each artifact given, all read before anything is sent, so that a malformed
    second file sends nothing."""
    artifacts: list[tuple[Path, Callable[[Path], tuple[list[Finding], dict]], str]] = []
    if run_results is not None:
        artifacts.append((run_results, findings_of_run_results, "run_results.json"))
    if sources is not None:
        artifacts.append((sources, findings_of_sources, "sources.json"))
    read = []
    for path, reader, name in artifacts:
        findings, metadata = reader(path)
        read.append((findings, RunContext(environment, str(metadata.get("invocation_id", "unknown")),
                                          str(metadata.get("generated_at", "unknown")), name)))
    return read


def describe_message(destination: str, payload: dict) -> str:
    if destination == "slack":
        return f"Slack {payload['channel']}: {payload['text']} ({len(payload['blocks']) - 1} listed)"
    if payload["event_action"] == "trigger":
        return f"PagerDuty trigger {payload['dedup_key']}: {payload['payload']['summary']}"
    return f"PagerDuty resolve {payload['dedup_key']}"


def run_alerts(run_results: Path | None, sources: Path | None, environment: str, policy: Policy,
               ledger_path: Path, undelivered_path: Path, dry_run: bool, endpoints: Endpoints,
               echo: Callable[[str], None]) -> int:
    """Send what the artifacts call for; the exit status (0, or UNDELIVERED_EXIT)."""
    read = read_artifacts(run_results, sources, environment)
    ledger = load_ledger(ledger_path)
    if dry_run:
        count = 0
        for findings, context in read:
            plan = plan_alerts(findings, context, policy, ledger)
            ledger = plan.ledger
            for message in plan.messages:
                body = dict(message.payload)
                if message.destination == "pagerduty":
                    body = {"routing_key": "$PAGERDUTY_ROUTING_KEY", **body}
                echo(json.dumps({"destination": message.destination, "payload": body}, indent=2, sort_keys=True))
            count += len(plan.messages)
        echo(f"dry run: {count} message(s) not sent; the ledger {ledger_path} is unchanged")
        return 0
    undelivered = []
    sent = 0
    for findings, context in read:
        plan = plan_alerts(findings, context, policy, ledger)
        outcome = deliver(plan, endpoints, policy.delivery)
        ledger = plan.ledger  # with what was delivered recorded
        for message in outcome.delivered:
            echo(f"sent {describe_message(message.destination, message.payload)}")
        for message, reason in outcome.undelivered:
            echo(f"NOT SENT {describe_message(message.destination, message.payload)}: {reason}")
        sent += len(outcome.delivered)
        undelivered.extend(outcome.undelivered)
    save_ledger(ledger_path, ledger)
    if undelivered:
        write_undelivered(undelivered_path, undelivered)
        echo(f"{len(undelivered)} message(s) could not be delivered: written to {undelivered_path}")
        return UNDELIVERED_EXIT
    if not sent:
        echo(f"nothing to alert ({environment})")
    return 0
