"""Governance rules: what exposures may depend on, and materialization per layer (SDD, dbt Design)."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from tools.check.findings import Finding, rule
from tools.check.project import Project
from tools.check.sql import PII_NAME
from tools.check.yamlload import line_of


@rule("GOV001", "exposure-certified",
      "Exposures depend only on models marked `meta: {certified: true}`.")
def exposure_certified(project: Project) -> Iterator[Finding]:
    for exposure in project.exposures:
        for kind, name in exposure.depends_on():
            subject = ("exposure", exposure.name)
            if kind == "source":
                yield Finding(exposure.rel, exposure.line, "GOV001",
                              f"exposure {exposure.name} depends on source {name}: BI reads certified marts only",
                              subject)
                continue
            model = project.models.get(name)
            if model is None:
                yield Finding(exposure.rel, exposure.line, "GOV001",
                              f"exposure {exposure.name} depends on {name}, which is no model of this project",
                              subject)
            elif not model.certified:
                yield Finding(exposure.rel, exposure.line, "GOV001",
                              f"exposure {exposure.name} depends on {name}, which is not certified: set "
                              f"`config: {{meta: {{certified: true}}}}` on it once reviewed, or drop it",
                              subject)


@rule("GOV002", "layer-materialization",
      "Staging models are views; intermediate models and marts are tables or incremental.")
def layer_materialization(project: Project) -> Iterator[Finding]:
    for model in project.models.values():
        if model.layer is None:
            continue
        allowed = project.config.allowed_materializations(model.layer, model.name)
        if not allowed:
            continue
        materialized, where = model.materialized
        materialized = materialized or "view"  # dbt's default
        if materialized not in allowed:
            line = model.sql.materialized_line if model.sql.materialized else 1
            yield Finding(model.rel, line, "GOV002",
                          f"{model.name} is materialized as {materialized} (set in {where}) but "
                          f"{model.layer} models must be {' or '.join(allowed)}", ("model", model.name))


def column_pii(column: Mapping[str, Any]) -> Any:
    """`meta: {pii: ...}` of a YAML column, directly or under `config:` (None when absent)."""
    found = None
    config = column.get("config")
    for meta in (column.get("meta"), config.get("meta") if isinstance(config, Mapping) else None):
        if isinstance(meta, Mapping) and "pii" in meta:
            found = meta["pii"]
    return found


@rule("GOV003", "pii-tagged",
      "Mart columns named like an email or phone carry `meta: {pii: email|phone}` (or `pii: none`).")
def pii_tagged(project: Project) -> Iterator[Finding]:
    """The masking post-hook (macros/snowflake/masking.sql) masks exactly the tagged columns, so an
    untagged email/phone column in a mart would reach Sigma in clear. `pii: none` (or false) says a
    column that only looks like one (`has_email`) is not personal data."""
    for model in project.models_in("marts"):
        subject = ("model", model.name)
        columns: dict[str, Mapping[str, Any]] = {}
        if model.entry is not None:
            for column in model.entry.columns:
                if isinstance(column.get("name"), str):
                    columns[column["name"].lower()] = column
        reported: set[str] = set()
        for name, column in columns.items():
            if PII_NAME.fullmatch(name) and column_pii(column) is None:
                reported.add(name)
                yield Finding(model.entry.rel, line_of(column, model.entry.line), "GOV003",  # type: ignore[union-attr]
                              f"{model.name}.{name} looks like personal data: tag it `config: {{meta: {{pii: "
                              f"email}}}}` (or phone) so it is masked on Snowflake, or `pii: none` if it is not",
                              subject)
        for call in model.sql.pii_names:
            name = call.args[0]
            if name in reported or (name in columns and column_pii(columns[name]) is not None):
                continue
            yield Finding(model.rel, call.line, "GOV003",
                          f"{model.name} selects {name}, which looks like personal data but has no YAML column "
                          f"with `config: {{meta: {{pii: email|phone}}}}`: document and tag it so it is masked "
                          f"on Snowflake (`pii: none` if it is not personal data)", subject)
