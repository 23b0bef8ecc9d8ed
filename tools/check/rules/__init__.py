"""One module per rule family; REGISTRY holds the rules of all four (tools/check/findings.py)."""

from tools.check.findings import Registry
from tools.check.rules import coverage, governance, layering, naming

REGISTRY = Registry.of([naming, layering, coverage, governance])

__all__ = ["REGISTRY", "coverage", "governance", "layering", "naming"]
