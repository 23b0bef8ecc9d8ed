"""One module per rule family; importing this package registers every rule in `RULES`."""

from tools.check.rules import coverage, governance, layering, naming

__all__ = ["coverage", "governance", "layering", "naming"]
