"""Findings and the rule registry: every rule has a stable code, a name and a one-line summary."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.check.project import Project


@dataclass(frozen=True, order=True)
class Finding:
    """One broken rule: where it is (project-relative POSIX path, 1-based line) and what to do."""

    path: str
    line: int
    code: str
    message: str
    # What a per-model opt-out is looked up on: ("model", name), ("source", "src.table"),
    # ("exposure", name), ("snapshot", name) or None when only the project-wide switch applies.
    subject: tuple[str, str] | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "rule": RULES[self.code].name if self.code in RULES else self.code,
            "path": self.path,
            "line": self.line,
            "message": self.message,
        }


RuleFunc = Callable[["Project"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    family: str
    summary: str
    func: RuleFunc


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, summary: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under a stable code (NAM001, LAY002, ...)."""

    def register(func: RuleFunc) -> RuleFunc:
        if code in RULES:
            raise RuntimeError(f"rule code {code} registered twice")
        family = func.__module__.rsplit(".", 1)[-1]
        RULES[code] = Rule(code=code, name=name, family=family, summary=summary, func=func)
        return func

    return register
