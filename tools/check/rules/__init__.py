"""One module per rule family; importing this package registers every rule in `RULES`."""

from tools.check.rules import coverage, governance, layering, naming  # noqa: F401 - registration

__all__ = ["coverage", "governance", "layering", "naming"]
