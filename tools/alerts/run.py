"""`tools alert`: a run's artifacts in, alerts out (plan, send, keep the ledger)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tools.alerts.config import Endpoints, Policy
from tools.alerts.delivery import deliver, write_undelivered
from tools.alerts.findings import Finding, findings_of_run_results, findings_of_sources
from tools.alerts.ledger import load_ledger, save_ledger
from tools.alerts.plan import RunContext, plan_alerts

# `tools alert`'s exit status when a message could not be delivered (written to the undelivered
# file): not 1, so a pipeline can tell it from a bad artifact or policy.
UNDELIVERED_EXIT = 3


def read_artifacts(run_results: Path | None, sources: Path | None,
                   environment: str) -> tuple[list[Finding], RunContext]:
    """The findings of the artifacts given, as one run (one Slack message for a build and its
    freshness check), all read before anything is sent: a malformed second file sends nothing."""
    artifacts: list[tuple[Path, Callable[[Path], tuple[list[Finding], dict]], str]] = []
    if run_results is not None:
        artifacts.append((run_results, findings_of_run_results, "run_results.json"))
    if sources is not None:
        artifacts.append((sources, findings_of_sources, "sources.json"))
    findings: list[Finding] = []
    invocations, generated, names = [], [], []
    for path, reader, name in artifacts:
        found, metadata = reader(path)
        findings.extend(found)
        invocations.append(str(metadata.get("invocation_id", "unknown")))
        generated.append(str(metadata.get("generated_at", "unknown")))
        names.append(name)
    context = RunContext(environment, ", ".join(dict.fromkeys(invocations)), max(generated), " and ".join(names))
    return findings, context


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
    findings, context = read_artifacts(run_results, sources, environment)
    plan = plan_alerts(findings, context, policy, load_ledger(ledger_path))
    if dry_run:
        for message in plan.messages:
            body = dict(message.payload)
            if message.destination == "pagerduty":
                body = {"routing_key": "$PAGERDUTY_ROUTING_KEY", **body}
            echo(json.dumps({"destination": message.destination, "payload": body}, indent=2, sort_keys=True))
        echo(f"dry run: {len(plan.messages)} message(s) not sent; the ledger {ledger_path} is unchanged")
        return 0
    outcome = deliver(plan, endpoints, policy.delivery)
    for message in outcome.delivered:
        echo(f"sent {describe_message(message.destination, message.payload)}")
    for message, reason in outcome.undelivered:
        echo(f"NOT SENT {describe_message(message.destination, message.payload)}: {reason}")
    save_ledger(ledger_path, plan.ledger)
    if outcome.undelivered:
        write_undelivered(undelivered_path, outcome.undelivered)
        echo(f"{len(outcome.undelivered)} message(s) could not be delivered: written to {undelivered_path}")
        return UNDELIVERED_EXIT
    if not outcome.delivered:
        echo(f"nothing to alert ({environment})")
    return 0
