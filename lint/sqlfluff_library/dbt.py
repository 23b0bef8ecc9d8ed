"""Lint-time stand-in for dbt's cross-database macros (`{{ dbt.type_timestamp() }}`, ...).

SQLFluff's jinja templater loads this folder through `library_path` (see .sqlfluff). Each call
renders what the macro renders on Snowflake closely enough for the parser; anything not listed
renders as a function call of the same name, so a new dbt.* macro never breaks linting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_TYPES = {
    "type_timestamp": "timestamp",
    "type_string": "varchar",
    "type_int": "integer",
    "type_bigint": "bigint",
    "type_float": "float",
    "type_numeric": "numeric(28, 6)",
    "type_boolean": "boolean",
}


def safe_cast(field: Any, type: Any) -> str:
    return f"try_cast({field} as {type})"


def current_timestamp() -> str:
    return "current_timestamp()"


def __getattr__(name: str) -> Callable[..., str]:
    if name.startswith("__"):
        raise AttributeError(name)
    if name in _TYPES:
        return lambda *args, **kwargs: _TYPES[name]

    def call(*args: Any, **kwargs: Any) -> str:
        rendered = [str(a) for a in args] + [str(v) for v in kwargs.values()]
        return f"{name}({', '.join(rendered)})"

    return call
