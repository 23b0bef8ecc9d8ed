"""Run every enabled rule over a project and keep the findings nobody switched off."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.check.config import CheckConfigError
from tools.check.findings import Finding, Registry
from tools.check.project import Project, load_project
from tools.check.rules import REGISTRY


@dataclass(frozen=True)
class CheckResult:
    findings: list[Finding]
    models: int
    sources: int
    yaml_files: int
    seconds: float


def _selected(finding: Finding, prefixes: Sequence[str] | None) -> bool:
    if not prefixes:
        return True
    return any(finding.path == p or finding.path.startswith(p.rstrip("/") + "/") or p in ("", ".")
               for p in prefixes)


def relative_selection(root: Path, paths: Sequence[Path]) -> list[str]:
    """PATHS given on the command line, as project-relative POSIX prefixes."""
    selected = []
    for path in paths:
        resolved = path.resolve()
        try:
            selected.append(resolved.relative_to(root).as_posix())
        except ValueError:
            raise CheckConfigError(f"{path} is outside the dbt project at {root}") from None
    return selected


def check_project(project: Project, only: Sequence[str] | None = None,
                  registry: Registry = REGISTRY) -> list[Finding]:
    unknown = [c for c in project.config.disable if not any(code.startswith(c) for code in registry.rules)]
    if unknown:
        raise CheckConfigError(f"unknown rule code(s) in disable: {', '.join(unknown)} "
                               f"(known: {', '.join(registry.codes)})")
    findings: set[Finding] = set()
    for code, registered in registry.rules.items():
        if project.config.is_disabled(code):
            continue
        for finding in registered.run(project):
            if code in project.skip_codes(finding.subject):
                continue
            if _selected(finding, only):
                findings.add(finding)
    return sorted(findings)


def run_check(root: Path, paths: Sequence[Path] = (), warehouse: Path | None = None) -> CheckResult:
    """`warehouse`: a built DuckDB file whose text values the value rules (GOV004) read."""
    started = time.perf_counter()
    project = load_project(root)
    if warehouse is not None:
        from tools.check.warehouse import sample_text_columns

        project.warehouse_samples, project.warehouse_unreadable = sample_text_columns(warehouse)
    only = relative_selection(project.root, paths) if paths else None
    findings = check_project(project, only)
    return CheckResult(findings, len(project.models), len(project.source_entries), len(project.yaml_files),
                       time.perf_counter() - started)
