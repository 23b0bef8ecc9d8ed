"""Findings for people (one line each, grouped by file) and for machines (JSON)."""

from __future__ import annotations

import json
from collections import Counter

from tools.check.rules import REGISTRY
from tools.check.runner import CheckResult


def format_text(result: CheckResult) -> str:
    lines = [f"{f.path}:{f.line}: {f.code} {f.message}" for f in result.findings]
    checked = (f"{result.models} models, {result.sources} source tables, {result.yaml_files} YAML files "
               f"in {result.seconds:.2f}s")
    if result.findings:
        files = len({f.path for f in result.findings})
        by_code = ", ".join(f"{code} x{n}" for code, n in sorted(Counter(f.code for f in result.findings).items()))
        lines.append("")
        lines.append(f"{len(result.findings)} finding(s) in {files} file(s) ({by_code}); checked {checked}.")
        lines.append("Switch a rule off for one model with `meta: {check_skip: [CODE]}`; see docs/checks.md.")
    else:
        lines.append(f"tools check: no findings ({checked}).")
    return "\n".join(lines)


def format_json(result: CheckResult) -> str:
    return json.dumps({
        "findings": [f.as_dict() for f in result.findings],
        "summary": {
            "findings": len(result.findings),
            "models": result.models,
            "source_tables": result.sources,
            "yaml_files": result.yaml_files,
            "seconds": round(result.seconds, 4),
        },
    }, indent=2)


def format_rules() -> str:
    width = max(len(r.name) for r in REGISTRY.rules.values())
    return "\n".join(
        f"{r.code}  {r.name.ljust(width)}  {r.summary}" for r in REGISTRY.rules.values()
    )
