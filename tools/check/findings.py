"""Findings, and the rule registry: every rule has a stable code, a name and a one-line summary.

A rule is a function of the project that yields `Violation`s: where and what, never its own code.
`@rule(code, name, summary)` only marks the function; `Registry.of(modules)` collects the marked
functions of the rule modules (tools/check/rules/__init__.py), and `Rule.run` stamps each
violation with its rule's code and name. No rule repeats its code, and nothing is registered by
importing a module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.check.project import Project


# What a per-model opt-out is looked up on: ("model", name), ("source", "src.table"),
# ("exposure", name), ("snapshot", name), or None when only the project-wide switch applies.
Subject = tuple[str, str] | None


@dataclass(frozen=True)
class Violation:
    """What a rule reports: where (project-relative POSIX path, 1-based line) and what to do."""

    path: str
    line: int
    message: str
    subject: Subject = None


@dataclass(frozen=True, order=True)
class Finding:
    """A violation stamped with the rule that found it."""

    path: str
    line: int
    code: str
    message: str
    subject: Subject = field(default=None, compare=False)
    rule: str = field(default="", compare=False)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "rule": self.rule or self.code, "path": self.path, "line": self.line,
                "message": self.message}


RuleFunc = Callable[["Project"], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    family: str
    summary: str
    func: RuleFunc

    def run(self, project: Project) -> Iterator[Finding]:
        for found in self.func(project):
            yield Finding(found.path, found.line, self.code, found.message, found.subject, self.name)


_MARK = "_fieldforce_rule"


def rule(code: str, name: str, summary: str) -> Callable[[RuleFunc], RuleFunc]:
    """Mark a function as the rule `code` (NAM001, LAY002, ...); Registry.of collects it."""

    def mark(func: RuleFunc) -> RuleFunc:
        setattr(func, _MARK, (code, name, summary))
        return func

    return mark


@dataclass(frozen=True)
class Registry:
    rules: dict[str, Rule]

    @classmethod
    def of(cls, modules: Iterable[ModuleType]) -> Registry:
        """The rules marked in these modules, each code once; the family is the module's name."""
        rules: dict[str, Rule] = {}
        for module in modules:
            for value in vars(module).values():
                marked = getattr(value, _MARK, None)
                if marked is None:
                    continue
                code, name, summary = marked
                if code in rules:
                    raise RuntimeError(f"rule code {code} defined twice ({rules[code].family}, "
                                       f"{module.__name__})")
                rules[code] = Rule(code, name, module.__name__.rsplit(".", 1)[-1], summary, value)
        return cls(dict(sorted(rules.items())))

    @property
    def codes(self) -> list[str]:
        return list(self.rules)
