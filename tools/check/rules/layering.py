"""Layering rules: which layer may read what, and nothing hard-coded around ref() and source().

The DAG flows one way: sources -> staging -> intermediate -> marts. On top of that, the
"marts go through intermediate" rule (LAY003) is deliberately simple and checkable from files:

    A mart may ref a staging model directly only while no intermediate model refs that same
    staging model. Once an intermediate model builds on stg_x, marts must use that intermediate
    model (or another one) instead of reading stg_x themselves.

So a small dimension straight off one staging model is fine, but a mart cannot quietly bypass
the joins and business rules an intermediate model already applies to the same staging data.
"""

from __future__ import annotations

from collections.abc import Iterator

from tools.check.findings import Violation, rule
from tools.check.project import Project

_ORDER = {"staging": 0, "intermediate": 1, "marts": 2}


@rule("LAY001", "source-outside-staging", "source() is only used in staging models.")
def source_outside_staging(project: Project) -> Iterator[Violation]:
    for model in project.models.values():
        if model.layer == "staging":
            continue
        for call in model.sql.sources:
            yield Violation(model.rel, call.line,
                            f"{model.name} reads source('{call.args[0]}', '{call.args[1]}'): only staging "
                            f"models may; ref the staging model for that table instead", ("model", model.name))


@rule("LAY002", "ref-against-the-flow",
      "Staging never refs intermediate or marts; intermediate never refs marts.")
def ref_against_the_flow(project: Project) -> Iterator[Violation]:
    for model in project.models.values():
        if model.layer not in _ORDER:
            continue
        for call in model.sql.refs:
            target = project.models.get(call.args[0])
            if target is None or target.layer not in _ORDER:
                continue
            if _ORDER[target.layer] > _ORDER[model.layer]:
                yield Violation(model.rel, call.line,
                                f"{model.name} ({model.layer}) refs {target.name} ({target.layer}): "
                                f"a layer may only read the layers before it", ("model", model.name))


@rule("LAY003", "mart-bypasses-intermediate",
      "A mart refs a staging model only if no intermediate model already builds on it.")
def mart_bypasses_intermediate(project: Project) -> Iterator[Violation]:
    built_on: dict[str, list[str]] = {}
    for model in project.models_in("intermediate"):
        for call in model.sql.refs:
            built_on.setdefault(call.args[0], []).append(model.name)
    for model in project.models_in("marts"):
        for call in model.sql.refs:
            target = project.models.get(call.args[0])
            if target is None or target.layer != "staging" or target.name not in built_on:
                continue
            users = ", ".join(sorted(set(built_on[target.name])))
            yield Violation(model.rel, call.line,
                            f"{model.name} refs staging model {target.name} directly although {users} "
                            f"already builds on it: ref the intermediate model instead", ("model", model.name))


@rule("LAY004", "hard-coded-relation",
      "No database.schema.table or schema.table names in model SQL: use ref() or source().")
def hard_coded_relation(project: Project) -> Iterator[Violation]:
    for model in project.models.values():
        for call in model.sql.hard_coded:
            yield Violation(model.rel, call.line,
                            f"{model.name} names the relation {call.args[0]} directly: use ref() or "
                            f"source() so environments and lineage work", ("model", model.name))


@rule("LAY005", "staging-foreign-source",
      "A staging model reads only the source of its own folder (<source_prefix><folder>, or <folder> "
      "for a source not loaded by Fivetran).")
def staging_foreign_source(project: Project) -> Iterator[Violation]:
    for model in project.models_in("staging"):
        if len(model.parts) < 2:
            continue
        expected = project.source_of_folder(model.parts[1])
        for call in model.sql.sources:
            if call.args[0] != expected:
                yield Violation(model.rel, call.line,
                                f"{model.name} is in models/staging/{model.parts[1]}/ but reads source "
                                f"{call.args[0]}: staging models read only {expected}", ("model", model.name))


@rule("LAY006", "unknown-reference",
      "Every ref() names a model, seed or snapshot, and every source() a table declared in YAML.")
def unknown_reference(project: Project) -> Iterator[Violation]:
    known = set(project.models) | project.seeds | set(project.snapshots)
    for model in project.models.values():
        for call in model.sql.refs:
            if call.args[0] not in known:
                yield Violation(model.rel, call.line,
                                f"{model.name} refs {call.args[0]}, which is no model, seed or snapshot "
                                f"of this project", ("model", model.name))
        for call in model.sql.sources:
            key = f"{call.args[0]}.{call.args[1]}"
            if key not in project.sources:
                yield Violation(model.rel, call.line,
                                f"{model.name} reads source('{call.args[0]}', '{call.args[1]}'), which no "
                                f"_<source>__sources.yml declares: add the table there", ("model", model.name))
