"""The alert policy of ops/alerts.yml: routes per environment, PagerDuty severities, thresholds
and delivery settings. Secrets are never in it; they come from the environment (Endpoints)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from tools.alerts.findings import KINDS, Kind
from tools.errors import ToolError

Destination = Literal["pagerduty", "slack", "none"]
DESTINATIONS: tuple[Destination, ...] = ("pagerduty", "slack", "none")
ENVIRONMENTS = ("prod", "ci", "dev")
SEVERITIES = ("critical", "error", "warning", "info")
PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
POLICY_FILE = Path("ops") / "alerts.yml"


@dataclass(frozen=True)
class Delivery:
    attempts: int = 4
    backoff_seconds: float = 1.0
    timeout_seconds: float = 10.0


@dataclass(frozen=True)
class Policy:
    routes: Mapping[str, Mapping[Kind, Destination]]
    severity: Mapping[Kind, str]
    failed_runs_to_page: Mapping[Kind, int]
    slack_channel: str
    pagerduty_source: str
    delivery: Delivery

    def destination(self, environment: str, kind: Kind) -> Destination:
        return self.routes[environment][kind]


@dataclass(frozen=True)
class Endpoints:
    """Where messages go, from the environment; None when a variable is unset."""

    slack_webhook_url: str | None
    pagerduty_routing_key: str | None
    pagerduty_events_url: str

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Endpoints:
        return cls(environ.get("SLACK_WEBHOOK_URL") or None, environ.get("PAGERDUTY_ROUTING_KEY") or None,
                   environ.get("PAGERDUTY_EVENTS_URL") or PAGERDUTY_EVENTS_URL)


def _mapping(value: Any, where: str, path: Path) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ToolError(f"{path}: {where} must be a mapping, not {type(value).__name__}")
    return value


def _number(value: Any, where: str, path: Path, minimum: float, integer: bool = False) -> Any:
    if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)) or value < minimum:
        kind = "a whole number" if integer else "a number"
        raise ToolError(f"{path}: {where} must be {kind} of at least {minimum}, not {value!r}")
    return value


def _known_keys(mapping: dict[str, Any], known: tuple[str, ...], where: str, path: Path) -> None:
    unknown = sorted(set(mapping) - set(known))
    if unknown:
        raise ToolError(f"{path}: {where} has unknown key(s) {', '.join(map(str, unknown))}; "
                        f"expected {', '.join(known)}")


def parse_policy(document: Any, path: Path) -> Policy:
    """The policy of an alerts.yml document, or one ToolError naming the first problem."""
    top = _mapping(document, "the file", path)
    _known_keys(top, ("version", "routes", "severity", "thresholds", "slack", "pagerduty", "delivery"),
                "the file", path)
    if type(top.get("version")) is not int or top.get("version") != 1:
        raise ToolError(f"{path}: version must be 1, not {top.get('version')!r}")
    routes_doc = _mapping(top.get("routes"), "routes", path)
    _known_keys(routes_doc, ENVIRONMENTS, "routes", path)
    routes: dict[str, dict[Kind, Destination]] = {}
    for environment in ENVIRONMENTS:
        env_routes = _mapping(routes_doc.get(environment), f"routes.{environment}", path)
        _known_keys(env_routes, KINDS, f"routes.{environment}", path)
        routes[environment] = {}
        for kind in KINDS:
            destination = env_routes.get(kind)
            if destination not in DESTINATIONS:
                raise ToolError(f"{path}: routes.{environment}.{kind} must be one of {', '.join(DESTINATIONS)}, "
                                f"not {destination!r}")
            routes[environment][kind] = destination
    paged = {kind for env in routes.values() for kind, destination in env.items() if destination == "pagerduty"}

    severity_doc = _mapping(top.get("severity", {}), "severity", path)
    _known_keys(severity_doc, KINDS, "severity", path)
    severity: dict[Kind, str] = {}
    for kind in KINDS:
        value = severity_doc.get(kind, "error")
        if value not in SEVERITIES:
            raise ToolError(f"{path}: severity.{kind} must be one of {', '.join(SEVERITIES)}, not {value!r}")
        severity[kind] = value
    missing = sorted(kind for kind in paged if kind not in severity_doc)
    if missing:
        raise ToolError(f"{path}: severity has no entry for {', '.join(missing)}, which a route sends to pagerduty")

    thresholds = _mapping(top.get("thresholds", {}), "thresholds", path)
    _known_keys(thresholds, ("failed_runs_to_page",), "thresholds", path)
    to_page_doc = _mapping(thresholds.get("failed_runs_to_page", {}), "thresholds.failed_runs_to_page", path)
    _known_keys(to_page_doc, KINDS, "thresholds.failed_runs_to_page", path)
    failed_runs_to_page: dict[Kind, int] = {
        kind: _number(to_page_doc.get(kind, 1), f"thresholds.failed_runs_to_page.{kind}", path, 1, integer=True)
        for kind in KINDS}

    slack = _mapping(top.get("slack", {}), "slack", path)
    _known_keys(slack, ("channel",), "slack", path)
    pagerduty = _mapping(top.get("pagerduty", {}), "pagerduty", path)
    _known_keys(pagerduty, ("source",), "pagerduty", path)
    delivery_doc = _mapping(top.get("delivery", {}), "delivery", path)
    _known_keys(delivery_doc, ("attempts", "backoff_seconds", "timeout_seconds"), "delivery", path)
    delivery = Delivery(
        attempts=_number(delivery_doc.get("attempts", 4), "delivery.attempts", path, 1, integer=True),
        backoff_seconds=float(_number(delivery_doc.get("backoff_seconds", 1.0), "delivery.backoff_seconds", path, 0)),
        timeout_seconds=float(_number(delivery_doc.get("timeout_seconds", 10), "delivery.timeout_seconds", path,
                                      0.1)),
    )
    channel = slack.get("channel", "#data-alerts")
    source = pagerduty.get("source", "fieldforce-dbt")
    if not isinstance(channel, str) or not channel or not isinstance(source, str) or not source:
        raise ToolError(f"{path}: slack.channel and pagerduty.source must be non-empty text")
    return Policy(routes, severity, failed_runs_to_page, channel, source, delivery)


def default_policy(project_dir: Path) -> Path:
    """The project's alert policy: thresholds and routes in one file (docs/runbook.md)."""
    return project_dir / POLICY_FILE


def load_policy(path: Path) -> Policy:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ToolError(f"{path}: no such alert policy file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ToolError(f"{path}: cannot read it: {exc}") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ToolError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
    return parse_policy(document, path)
