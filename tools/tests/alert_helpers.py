"""What the alert tests share: Slack and PagerDuty stood in for by one loopback server
(pytest-httpserver), and what it received."""

from __future__ import annotations

import json
from typing import Any

from pytest_httpserver import HTTPServer

PAGERDUTY_PATH = "/v2/enqueue"


def received(httpserver: HTTPServer) -> list[tuple[str, dict[str, Any]]]:
    """Every request the stand-in received, in order: (path, JSON body)."""
    return [(request.path, json.loads(request.get_data())) for request, _ in httpserver.log]


def accept_all(httpserver: HTTPServer, slack_path: str) -> None:
    """PagerDuty accepts every event and Slack every message."""
    httpserver.expect_request(PAGERDUTY_PATH, method="POST").respond_with_json({"status": "success"}, status=202)
    httpserver.expect_request(slack_path, method="POST").respond_with_data("ok")
