"""What to send for a run's findings: pure, so that `tools alert` and the webhook service send
the same messages for the same run, and `--dry-run` prints exactly what would be sent.

PagerDuty incidents are keyed by a stable `dedup_key` per environment and node, so a re-run that
fails again does not page twice, and the run in which the node passes again resolves it. Which
incidents are open, and how many runs in a row each node has failed, is the ledger: a mapping
kept between runs (tools/alerts/ledger.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from tools.alerts.config import Policy
from tools.alerts.findings import Finding

# Slack refuses messages of more than 50 blocks.
SLACK_MAX_LISTED = 45
PAGERDUTY_SUMMARY_MAX = 1024


@dataclass(frozen=True)
class RunContext:
    environment: str
    invocation_id: str
    generated_at: str
    artifact: str


@dataclass(frozen=True)
class Message:
    destination: Literal["pagerduty", "slack"]
    # Without secrets: the routing key is added when the message is sent (tools/alerts/delivery.py).
    payload: dict[str, Any]
    dedup_key: str | None = None


@dataclass
class Plan:
    messages: list[Message] = field(default_factory=list)
    # The ledger after this run's counts; delivery then records what paged and what resolved.
    ledger: dict[str, dict[str, Any]] = field(default_factory=dict)


def dedup_key(environment: str, unique_id: str) -> str:
    return f"fieldforce/{environment}/{unique_id}"


def describe(finding: Finding) -> str:
    """One line: what failed and why, as the on-call engineer reads it first."""
    what = {"node_error": "error", "test_fail": "failed", "test_warn": "warned",
            "freshness_error": "is stale (error)", "freshness_warn": "is stale (warn)"}[finding.kind]
    rows = f", {finding.failures} failing row(s)" if finding.failures is not None else ""
    detail = f": {finding.message}" if finding.message else ""
    return f"{finding.resource_type} {finding.name} {what}{rows}{detail}"


def _trigger(finding: Finding, context: RunContext, policy: Policy, key: str) -> Message:
    summary = f"dbt {context.environment}: {describe(finding)}"
    if len(summary) > PAGERDUTY_SUMMARY_MAX:
        summary = summary[:PAGERDUTY_SUMMARY_MAX - 1] + "…"
    return Message("pagerduty", {
        "event_action": "trigger",
        "dedup_key": key,
        "payload": {
            "summary": summary,
            "source": policy.pagerduty_source,
            "severity": policy.severity[finding.kind],
            "component": finding.name,
            "group": finding.resource_type,
            "class": finding.kind,
            "custom_details": {
                "unique_id": finding.unique_id,
                "environment": context.environment,
                "message": finding.message,
                "failures": finding.failures,
                "invocation_id": context.invocation_id,
                "generated_at": context.generated_at,
                "artifact": context.artifact,
            },
        },
    }, key)


def _resolve(key: str) -> Message:
    return Message("pagerduty", {"event_action": "resolve", "dedup_key": key}, key)


def _slack(listed: list[tuple[Finding, str]], context: RunContext, policy: Policy) -> Message:
    failing = sum(1 for finding, _ in listed if finding.kind in ("node_error", "test_fail", "freshness_error"))
    warning = len(listed) - failing
    title = (f"dbt {context.environment} ({context.artifact}, invocation {context.invocation_id}): "
             f"{failing} failing, {warning} warning")
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*"}}]
    for finding, note in listed[:SLACK_MAX_LISTED]:
        text = f"• `{finding.name}`: {describe(finding)}{note}"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}})
    if len(listed) > SLACK_MAX_LISTED:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": f"… and {len(listed) - SLACK_MAX_LISTED} more: see the run's artifacts"}]})
    return Message("slack", {"channel": policy.slack_channel, "text": title, "blocks": blocks})


def plan_alerts(findings: list[Finding], context: RunContext, policy: Policy,
                ledger: dict[str, dict[str, Any]]) -> Plan:
    """The messages for one run's findings and the ledger's new counts.

    A node routed to PagerDuty pages once it has failed `failed_runs_to_page` runs in a row (before
    that it is listed in Slack), and only if it has no open incident. A node that ran without that
    failure resolves its incident; a node the run did not include keeps its state.
    """
    plan = Plan(ledger={key: dict(entry) for key, entry in ledger.items()})
    listed: list[tuple[Finding, str]] = []
    for finding in findings:
        key = dedup_key(context.environment, finding.unique_id)
        destination = "none" if finding.kind == "ok" else policy.destination(context.environment, finding.kind)
        if destination == "pagerduty":
            entry = plan.ledger.setdefault(key, {"failed_runs": 0, "paged": False})
            entry["failed_runs"] += 1
            entry["kind"] = finding.kind
            if entry["paged"]:
                continue
            needed = policy.failed_runs_to_page[finding.kind]
            if entry["failed_runs"] >= needed:
                plan.messages.append(_trigger(finding, context, policy, key))
                # a trigger whose answer was lost may still have opened an incident: resolve it too
                entry["attempted"] = True
            else:
                listed.append((finding, f" (failing run {entry['failed_runs']} of {needed} before it pages)"))
            continue
        known = plan.ledger.get(key)
        if known is not None:
            if known.get("paged") or known.get("attempted"):
                plan.messages.append(_resolve(key))
            else:
                del plan.ledger[key]
        if destination == "slack":
            listed.append((finding, ""))
    if listed:
        plan.messages.append(_slack(listed, context, policy))
    return plan
