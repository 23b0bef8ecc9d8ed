"""What the check enforces, with the project's defaults and its switches.

Project-wide settings live in `pyproject.toml`:

    [tool.fieldforce.check]
    disable = ["COV006"]                       # codes, or a family prefix such as "GOV"
    source_prefix = "fivetran_"                # staging/<x>/ reads source `fivetran_<x>`
    [tool.fieldforce.check.prefixes]
    marts = ["dim_", "fct_", "rpt_", "v_"]
    [tool.fieldforce.check.materializations]
    marts = ["table", "incremental"]
    "marts/v_" = ["view"]                      # a layer/prefix key wins over the layer key

and a `fieldforce_check_disable: [CODE, ...]` var in dbt_project.yml adds to `disable`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.errors import ToolError

try:
    import tomllib
except ImportError:  # pragma: no cover - Python 3.10
    tomllib = None

LAYERS = ("staging", "intermediate", "marts")


class CheckConfigError(ToolError):
    """A setting of the check that makes no sense; exit code 2 like a usage error."""

    exit_code = 2


def _default_prefixes() -> dict[str, list[str]]:
    return {"staging": ["stg_"], "intermediate": ["int_"], "marts": ["dim_", "fct_", "rpt_"]}


def _default_materializations() -> dict[str, list[str]]:
    return {"staging": ["view"], "intermediate": ["table", "incremental"], "marts": ["table", "incremental"]}


@dataclass
class CheckConfig:
    disable: list[str] = field(default_factory=list)
    prefixes: dict[str, list[str]] = field(default_factory=_default_prefixes)
    materializations: dict[str, list[str]] = field(default_factory=_default_materializations)
    snapshot_prefix: str = "snap_"
    source_prefix: str = "fivetran_"
    fact_prefixes: list[str] = field(default_factory=lambda: ["fct_"])
    dimension_prefixes: list[str] = field(default_factory=lambda: ["dim_"])
    # `meta: {pii: <class>}`: the classes a masking policy exists for (macros/snowflake/platform.sql)
    pii_classes: list[str] = field(default_factory=lambda: [
        "email", "phone", "name", "address", "postal_code", "location",
    ])
    # `_<folder>__<kind>.yml`: the kinds a properties file may be named for.
    yaml_kinds: list[str] = field(default_factory=lambda: [
        "sources", "models", "exposures", "snapshots", "seeds", "macros", "tests", "analyses",
        "unit_tests", "metrics", "semantic_models", "saved_queries", "docs", "groups",
    ])

    def is_disabled(self, code: str) -> bool:
        return any(code == item or (len(item) < len(code) and code.startswith(item)) for item in self.disable)

    def allowed_materializations(self, layer: str, model_name: str) -> list[str] | None:
        best: tuple[int, list[str]] | None = None
        for key, values in self.materializations.items():
            key_layer, _, prefix = key.partition("/")
            if key_layer != layer or not model_name.startswith(prefix):
                continue
            if best is None or len(prefix) > best[0]:
                best = (len(prefix), values)
        return best[1] if best else None


def _string_list(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CheckConfigError(f"{where} must be a list of strings, got {value!r}")
    return list(value)


def _string_list_map(value: Any, where: str) -> dict[str, list[str]]:
    if not isinstance(value, Mapping):
        raise CheckConfigError(f"{where} must be a table of lists, got {value!r}")
    return {str(k): _string_list(v, f"{where}.{k}") for k, v in value.items()}


_KNOWN_KEYS = {
    "disable", "prefixes", "materializations", "snapshot_prefix", "source_prefix",
    "fact_prefixes", "dimension_prefixes", "yaml_kinds", "pii_classes",
}


def load_config(root: Path, dbt_project: Mapping[str, Any]) -> CheckConfig:
    """Defaults, then `[tool.fieldforce.check]` in pyproject.toml, then the dbt_project.yml var."""
    config = CheckConfig()
    pyproject = root / "pyproject.toml"
    table: Mapping[str, Any] = {}
    if pyproject.is_file() and tomllib is not None:
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise CheckConfigError(f"pyproject.toml: cannot read [tool.fieldforce.check]: {exc}") from None
        table = data.get("tool", {}).get("fieldforce", {}).get("check", {})
    where = "pyproject.toml [tool.fieldforce.check]"
    unknown = sorted(set(table) - _KNOWN_KEYS)
    if unknown:
        raise CheckConfigError(f"{where}: unknown setting(s) {', '.join(unknown)}; "
                               f"known: {', '.join(sorted(_KNOWN_KEYS))}")
    if "disable" in table:
        config.disable = _string_list(table["disable"], f"{where} disable")
    if "prefixes" in table:
        config.prefixes.update(_string_list_map(table["prefixes"], f"{where} prefixes"))
    if "materializations" in table:
        config.materializations.update(_string_list_map(table["materializations"], f"{where} materializations"))
    for key in ("snapshot_prefix", "source_prefix"):
        if key in table:
            if not isinstance(table[key], str):
                raise CheckConfigError(f"{where} {key} must be a string")
            setattr(config, key, table[key])
    for key in ("fact_prefixes", "dimension_prefixes", "yaml_kinds", "pii_classes"):
        if key in table:
            setattr(config, key, _string_list(table[key], f"{where} {key}"))

    dbt_vars = dbt_project.get("vars") or {}
    if isinstance(dbt_vars, Mapping) and dbt_vars.get("fieldforce_check_disable"):
        config.disable += _string_list(dbt_vars["fieldforce_check_disable"],
                                       "dbt_project.yml vars.fieldforce_check_disable")
    return config
