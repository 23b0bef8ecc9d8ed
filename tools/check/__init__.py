"""`tools check`: the project's naming, layering, coverage and governance rules, read from files.

No dbt import, no warehouse, no `dbt parse`: the loader reads SQL and YAML directly (project.py),
one module per rule family lives in rules/, and report.py formats the findings.
"""

from tools.check.findings import Finding
from tools.check.rules import REGISTRY
from tools.check.runner import CheckResult, check_project, run_check

__all__ = ["REGISTRY", "CheckResult", "Finding", "check_project", "run_check"]
