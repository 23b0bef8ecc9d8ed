"""Render the Snowflake platform statements of macros/snowflake/platform.sql offline.

The dbt macros are the single source of truth (`dbt run-operation platform_setup` runs them on
an account). `platform_statements` uses nothing but Jinja and dbt's `return`, so this module
renders it with plain Jinja, the way dbt would: no dbt, no profile, no account.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2

from tools.errors import ToolError
from tools.paths import project_root

PLATFORM_MACROS = Path("macros") / "snowflake" / "platform.sql"

# The statement forms a re-run leaves unchanged, each as the start of the statement.
IDEMPOTENT_FORMS = (
    r"use role \w+",
    r"create (warehouse|database|schema|role|user|masking policy|resource monitor) if not exists ",
    r"alter (warehouse|user|masking policy|resource monitor|account) .*\bset ",
    r"grant ",
)


class _MacroReturn(Exception):
    def __init__(self, value: Any) -> None:
        super().__init__("return")
        self.value = value


def _return(value: Any) -> None:
    raise _MacroReturn(value)


def _call(macro: Any, *args: Any) -> Any:
    try:
        macro(*args)
    except _MacroReturn as ret:
        return ret.value
    return None


def load_macros(project_dir: Path | None = None) -> Any:
    path = project_root(project_dir) / PLATFORM_MACROS
    if not path.is_file():
        raise ToolError(f"{path} not found: run from the dbt_fieldforce project")
    env = jinja2.Environment(extensions=["jinja2.ext.do"], undefined=jinja2.Undefined)
    env.globals["return"] = _return
    return env.from_string(path.read_text(encoding="utf-8")).module


def platform_spec(project_dir: Path | None = None) -> dict[str, Any]:
    return _call(load_macros(project_dir).platform_spec)


def platform_statements(project_dir: Path | None = None) -> list[str]:
    """Every statement of the first-time set-up, in order, without the trailing semicolon."""
    module = load_macros(project_dir)
    statements = _call(module.platform_statements, _call(module.platform_spec))
    if not isinstance(statements, list):
        raise ToolError(f"{PLATFORM_MACROS}: platform_statements() returned no list")
    return [re.sub(r"\s+", " ", s).strip() for s in statements]


def is_idempotent(statement: str) -> bool:
    return any(re.match(form, statement, re.IGNORECASE) for form in IDEMPOTENT_FORMS)


def render_sql(statements: list[str]) -> str:
    return "".join(f"{s};\n" for s in statements)
