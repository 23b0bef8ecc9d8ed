"""What a dbt run's artifacts say went wrong (or right again), node by node.

Pure: the artifacts' JSON in, findings out. `run_results.json` (a build, run, test, seed or
snapshot) and `sources.json` (`dbt source freshness`) are dbt's documented artifacts; a file
that is not one of them is one ToolError naming the file and what is missing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tools.errors import ToolError

# What happened to a node, in the terms of the alert matrix (tools/alerts/config.py).
Kind = Literal["node_error", "test_fail", "test_warn", "freshness_error", "freshness_warn", "ok"]
KINDS: tuple[Kind, ...] = ("node_error", "test_fail", "test_warn", "freshness_error", "freshness_warn")

RUN_RESULTS_SCHEMA = "https://schemas.getdbt.com/dbt/run-results/"
SOURCES_SCHEMA = "https://schemas.getdbt.com/dbt/sources/"


@dataclass(frozen=True)
class Finding:
    """One node's outcome: `kind` is "ok" for a node that ran cleanly (it may resolve an incident)."""

    unique_id: str
    kind: Kind
    message: str = ""
    failures: int | None = None
    # what to call the node when its id does not say (a dbt Cloud job is keyed by its id)
    label: str | None = None

    @property
    def name(self) -> str:
        """The node's name as dbt prints it: model.proj.fct_jobs -> fct_jobs, source.proj.src.t -> src.t,
        test.proj.unique_x.0a1b2c (a generic test's hash) -> unique_x."""
        if self.label is not None:
            return self.label
        parts = self.unique_id.split(".")
        if parts[0] == "test" and len(parts) > 3:
            return parts[2]
        if parts[0] == "unit_test":  # unit_test.proj.model.name
            return parts[-1]
        return ".".join(parts[2:]) or self.unique_id

    @property
    def resource_type(self) -> str:
        return self.unique_id.split(".", 1)[0]


def first_line(message: str | None) -> str:
    """The message's first line; after dbt's header ("Runtime Error in model x (path)"), with the
    line that says what went wrong."""
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    if not lines:
        return ""
    if len(lines) > 1 and re.match(r"^[A-Z][a-z]+ Error in ", lines[0]):
        return f"{lines[0]}: {lines[1]}"
    return lines[0]


def _kind_of_run_result(unique_id: str, status: str) -> Kind | None:
    if status in ("success", "pass"):
        return "ok"
    if status in ("skipped", "no-op"):
        return None  # skipped because an upstream node failed (that one alerts), or nothing to run
    if status in ("error", "runtime error", "partial success"):  # partial: some microbatches failed
        return "node_error"
    if status == "fail":
        return "test_fail"
    if status == "warn":
        return "test_warn" if unique_id.startswith(("test.", "unit_test.")) else "ok"
    raise ValueError(status)


def _kind_of_freshness(unique_id: str, status: str) -> Kind:
    kinds: dict[str, Kind] = {"pass": "ok", "warn": "freshness_warn", "error": "freshness_error",
                              "runtime error": "node_error"}
    return kinds[status]


def load_artifact(path: Path, schema: str, what: str) -> dict[str, Any]:
    """The artifact's JSON, checked to be the dbt artifact it should be."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ToolError(f"{path}: no such file (the {what} of a dbt invocation)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ToolError(f"{path}: cannot read it: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ToolError(f"{path}: not JSON ({exc.msg}, line {exc.lineno}): is it a {what}?") from None
    metadata = document.get("metadata") if isinstance(document, dict) else None
    version = metadata.get("dbt_schema_version", "") if isinstance(metadata, dict) else ""
    if not isinstance(version, str) or not version.startswith(schema):
        raise ToolError(f"{path}: not a dbt {what} (metadata.dbt_schema_version is {version or 'missing'!r}, "
                        f"expected {schema}...)")
    if not isinstance(document.get("results"), list):
        raise ToolError(f"{path}: a {what} without a 'results' list")
    return document


def _field(path: Path, index: int, result: Any, key: str) -> str:
    if not isinstance(result, dict) or key not in result:
        raise ToolError(f"{path}: results[{index}] has no '{key}'")
    if not isinstance(result[key], str):
        raise ToolError(f"{path}: results[{index}].{key} is not text: {result[key]!r}")
    return result[key]


def _text(path: Path, index: int, result: dict[str, Any], key: str) -> str | None:
    value = result.get(key)
    if value is not None and not isinstance(value, str):
        raise ToolError(f"{path}: results[{index}].{key} is neither text nor null: {value!r}")
    return value


def _classified(path: Path, document: dict[str, Any],
                classify: Callable[[str, str], Kind | None]) -> Iterator[tuple[int, dict[str, Any], str, Kind | None]]:
    """Each result of an artifact with its index, unique_id and kind (`classify(unique_id, status)`)."""
    for index, result in enumerate(document["results"]):
        unique_id = _field(path, index, result, "unique_id")
        status = _field(path, index, result, "status")
        try:
            kind = classify(unique_id, status)
        except (KeyError, ValueError):
            raise ToolError(f"{path}: results[{index}] ({unique_id}) has an unknown status {status!r}") from None
        yield index, result, unique_id, kind


def findings_of_run_results(path: Path) -> tuple[list[Finding], dict[str, Any]]:
    """Every node of a run_results.json that ran, with its kind, and the artifact's metadata."""
    document = load_artifact(path, RUN_RESULTS_SCHEMA, "run_results.json")
    findings = []
    for index, result, unique_id, kind in _classified(path, document, _kind_of_run_result):
        if kind is None:
            continue
        failures = result.get("failures")
        findings.append(Finding(unique_id, kind, first_line(_text(path, index, result, "message")),
                                failures if isinstance(failures, int) and kind in ("test_fail", "test_warn") else None))
    return findings, document["metadata"]


def findings_of_sources(path: Path) -> tuple[list[Finding], dict[str, Any]]:
    """Every source table of a sources.json, with its freshness kind, and the artifact's metadata."""
    document = load_artifact(path, SOURCES_SCHEMA, "sources.json")
    findings = []
    for index, result, unique_id, kind in _classified(path, document, _kind_of_freshness):
        if kind == "ok":
            message = ""
        elif kind == "node_error":
            message = first_line(_text(path, index, result, "error")) or "freshness could not be checked"
        else:
            late = result.get("max_loaded_at_time_ago_in_s")
            message = (f"last loaded {late / 3600:.1f} h ago" if isinstance(late, (int, float))
                       else "last load time unknown")
        assert kind is not None  # _kind_of_freshness always names one
        findings.append(Finding(unique_id, kind, message))
    return findings, document["metadata"]
