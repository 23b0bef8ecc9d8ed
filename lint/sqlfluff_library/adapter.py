"""Lint-time stand-in for dbt's `adapter` object (`adapter.quote`, `adapter.dispatch`).

`adapter.dispatch` cannot reach Jinja macros from here; the project's dispatching macros are
replaced for linting in .sqlfluff's `[sqlfluff:templater:jinja:macros]` section instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def quote(identifier: Any) -> str:
    return f'"{identifier}"'


def dispatch(macro_name: str, macro_namespace: str | None = None) -> Callable[..., str]:
    def call(*args: Any, **kwargs: Any) -> str:
        rendered = [str(a) for a in args] + [str(v) for v in kwargs.values()]
        return f"{macro_name}({', '.join(rendered)})"

    return call
