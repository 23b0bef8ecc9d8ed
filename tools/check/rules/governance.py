"""Governance rules: what exposures may depend on, and materialization per layer (SDD, dbt Design)."""

from __future__ import annotations

from typing import Iterator

from tools.check.findings import Finding, rule
from tools.check.project import Project


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
