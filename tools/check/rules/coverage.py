"""Coverage rules: documentation, primary-key tests, source freshness, relationships (SDD, Data Quality).

A primary key is a column with both `unique` and `not_null` tests (`data_tests:` or `tests:`,
flat or 1.11 `arguments:` form), or a model-level test on a combination of columns (any test
named *unique_combination_of_columns, or any test with a `combination_of_columns` argument).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from typing import Any

from tools.check.findings import Violation, rule
from tools.check.project import DataTest, Model, ModelEntry, Project
from tools.check.sql import REF_CALL
from tools.check.yamlload import line_of


def _is_combination_test(test: DataTest) -> bool:
    return test.name.endswith("unique_combination_of_columns") or "combination_of_columns" in test.args


def primary_key_columns(entry: ModelEntry) -> list[str]:
    """Columns tested both unique and not_null, plus the columns of a combination test."""
    columns: list[str] = []
    for column in entry.columns:
        names = {t.name for t in entry.column_tests(column)}
        if {"unique", "not_null"} <= names and isinstance(column.get("name"), str):
            columns.append(column["name"])
    for test in entry.model_tests():
        if _is_combination_test(test):
            combo = test.args.get("combination_of_columns")
            if isinstance(combo, list):
                columns.extend(str(c) for c in combo)
            elif not columns:
                columns.append("<combination>")
    return columns


@rule("COV001", "model-in-yaml", "Every model has an entry in a _<folder>__models.yml file.")
def model_in_yaml(project: Project) -> Iterator[Violation]:
    for model in project.models.values():
        if model.entry is None:
            folder = model.folder or "models"
            yield Violation(model.rel, 1,
                            f"{model.name} has no YAML entry: add it to _{folder}__models.yml with a description, "
                            f"its columns and a primary-key test", ("model", model.name))


@rule("COV002", "model-description", "Every model's YAML entry has a description.")
def model_description(project: Project) -> Iterator[Violation]:
    for model in project.models.values():
        if model.entry is not None and not model.entry.description:
            yield Violation(model.entry.rel, model.entry.line,
                            f"{model.name} has no description: say what one row is", ("model", model.name))


def _tested_base(project: Project, model: Model) -> Model | None:
    """The staging model this one shows a subset of, when that one carries the key tests.

    A view stg_<source>__<table> over base_<source>__<table> (the incremental table that keeps
    deleted keys too) holds a subset of its keys: their tests hold for it as well.
    """
    if model.layer != "staging":
        return None
    prefixes = project.config.prefixes.get("staging") or []
    own = next((p for p in prefixes if model.name.startswith(p)), None)
    if own is None:
        return None
    rest = model.name[len(own):]
    for call in model.sql.refs:
        other = project.models.get(call.args[-1]) if call.args else None
        if (other is not None and other is not model and other.layer == "staging" and other.entry is not None
                and any(other.name == p + rest for p in prefixes) and primary_key_columns(other.entry)):
            return other
    return None


@rule("COV003", "model-primary-key",
      "Every model has unique + not_null on its primary key (or a combination-of-columns test); a staging "
      "view over its base_ table shares the base table's.")
def model_primary_key(project: Project) -> Iterator[Violation]:
    for model in project.models.values():
        if model.entry is None:
            continue  # COV001 already asks for the entry
        if not primary_key_columns(model.entry) and _tested_base(project, model) is None:
            yield Violation(model.entry.rel, model.entry.line,
                            f"{model.name} has no primary-key test: give its key column both unique and "
                            f"not_null, or add a unique_combination_of_columns test", ("model", model.name))


@rule("COV004", "source-description", "Every source table has a description.")
def source_description(project: Project) -> Iterator[Violation]:
    for table in project.source_entries:
        description = table.data.get("description")
        if not (isinstance(description, str) and description.strip()):
            yield Violation(table.rel, table.line,
                            f"source table {table.key} has no description", ("source", table.key))


def _scoped(scope: Mapping[str, Any], key: str) -> tuple[bool, Any]:
    """(is set, value) for a property given directly or under `config:` (dbt 1.9+)."""
    if key in scope:
        return True, scope[key]
    config = scope.get("config")
    if isinstance(config, Mapping) and key in config:
        return True, config[key]
    return False, None


@rule("COV005", "source-freshness",
      "Every source table has freshness with a loaded_at_field (or loaded_at_query), "
      "or opts out with `freshness: null`.")
def source_freshness(project: Project) -> Iterator[Violation]:
    project_sources = project.dbt_project.get("sources")
    project_level: tuple[bool, Any] = (False, None)
    if isinstance(project_sources, Mapping):
        node = project_sources.get(project.name)
        for scope in (project_sources, node if isinstance(node, Mapping) else {}):
            for key in ("+freshness", "freshness"):
                if key in scope:
                    project_level = (True, scope[key])
    for table in project.source_entries:
        is_set, freshness = _scoped(table.data, "freshness")
        if not is_set:
            is_set, freshness = _scoped(table.source_data, "freshness")
        if not is_set:
            is_set, freshness = project_level
        if is_set and freshness is None:
            continue  # explicit opt-out, dbt's own way
        has_threshold = isinstance(freshness, Mapping) and any(
            isinstance(freshness.get(k), Mapping) for k in ("warn_after", "error_after"))
        if not has_threshold:
            yield Violation(table.rel, table.line,
                            f"source table {table.key} has no freshness (warn_after/error_after): add it, on the "
                            f"table or its source, or opt out with `freshness: null`", ("source", table.key))
            continue
        has_field = any(_scoped(scope, "loaded_at_field")[0] or _scoped(scope, "loaded_at_query")[0]
                        or isinstance(freshness, Mapping) and "loaded_at_field" in freshness
                        for scope in (table.data, table.source_data))
        if not has_field:
            yield Violation(table.rel, table.line,
                            f"source table {table.key} has freshness but no loaded_at_field (e.g. "
                            f"_fivetran_synced) on the table or its source", ("source", table.key))


@rule("COV006", "mart-columns-described", "Every mart documents its columns, each with a description.")
def mart_columns_described(project: Project) -> Iterator[Violation]:
    for model in project.models_in("marts"):
        entry = model.entry
        if entry is None:
            continue
        if not entry.columns:
            yield Violation(entry.rel, entry.line,
                            f"{model.name} lists no columns: document every column of a mart",
                            ("model", model.name))
            continue
        for column in entry.columns:
            description = column.get("description")
            if not (isinstance(description, str) and description.strip()):
                yield Violation(entry.rel, line_of(column, entry.line),
                                f"column {model.name}.{column.get('name')} has no description",
                                ("model", model.name))


def _relationship_targets(tests: list[DataTest]) -> set[str]:
    targets: set[str] = set()
    for test in tests:
        if not test.name.startswith("relationships") and not test.name.endswith("relationships"):
            continue
        to = test.args.get("to")
        match = REF_CALL.search(to) if isinstance(to, str) else None
        if match:
            targets.add(match.group(4) or match.group(2))
    return targets


def _is(model_name: str, prefixes: list[str]) -> bool:
    return any(model_name.startswith(p) for p in prefixes)


@rule("COV007", "fact-relationships",
      "Facts have relationships tests to the dimensions they ref or share a key column with.")
def fact_relationships(project: Project) -> Iterator[Violation]:
    """A fact needs a relationships test (a) to every dim_ model it refs, (b) on every column named
    like a dimension's single-column primary key, to one of the dimensions with that key, and
    (c) to at least one dimension at all."""
    config = project.config
    dimensions: dict[str, Model] = {m.name: m for m in project.models.values()
                                    if _is(m.name, config.dimension_prefixes)}
    dims_by_key: dict[str, set[str]] = {}
    for dim in dimensions.values():
        keys = primary_key_columns(dim.entry) if dim.entry is not None else []
        if len(keys) == 1:
            dims_by_key.setdefault(keys[0], set()).add(dim.name)
    for fact in project.models.values():
        entry = fact.entry
        if not _is(fact.name, config.fact_prefixes) or entry is None:
            continue
        all_tests = [t for column in entry.columns for t in entry.column_tests(column)] + entry.model_tests()
        tested = _relationship_targets(all_tests)
        own_keys = set(primary_key_columns(entry))
        subject = ("model", fact.name)
        for dim_name in sorted({c.args[0] for c in fact.sql.refs if c.args[0] in dimensions} - tested):
            yield Violation(entry.rel, entry.line,
                            f"{fact.name} refs {dim_name} but has no relationships test to it: add one on "
                            f"the foreign-key column", subject)
        for column in entry.columns:
            name = column.get("name")
            if not isinstance(name, str) or name in own_keys or name not in dims_by_key:
                continue
            candidates = dims_by_key[name]
            if not _relationship_targets(entry.column_tests(column)) & candidates:
                yield Violation(entry.rel, line_of(column, entry.line),
                                f"{fact.name}.{name} is the key of {' / '.join(sorted(candidates))} but has no "
                                f"relationships test to it", subject)
        if not tested & set(dimensions):
            yield Violation(entry.rel, entry.line,
                            f"{fact.name} has no relationships test to any dimension: test its foreign keys "
                            f"against the dim_ models", subject)


def _entries_by_name(entries: Iterable[ModelEntry], defined: Container[str], verb: str,
                     missing: Callable[[str], str], subject_kind: str | None = None,
                     ) -> tuple[dict[str, ModelEntry], list[Violation]]:
    """The first YAML entry of each defined name, and a violation for every entry that names
    nothing defined (`missing` says what to do) or repeats a name."""
    first: dict[str, ModelEntry] = {}
    found: list[Violation] = []
    for entry in entries:
        if entry.name not in defined:
            found.append(Violation(entry.rel, entry.line, missing(entry.name)))
        elif entry.name in first:
            earlier = first[entry.name]
            found.append(Violation(entry.rel, entry.line,
                                   f"{entry.name} is {verb} twice (also {earlier.rel}:{earlier.line}): keep one entry",
                                   (subject_kind, entry.name) if subject_kind else None))
        else:
            first[entry.name] = entry
    return first, found


@rule("COV008", "yaml-entry-without-model", "Every model entry in YAML matches a model file, once.")
def yaml_entry_without_model(project: Project) -> Iterator[Violation]:
    _, found = _entries_by_name(
        project.model_entries, project.models, "described",
        lambda name: f"{name} is described here but there is no {name}.sql: remove the entry or fix its name",
        subject_kind="model")
    yield from found


@rule("COV009", "macro-documented",
      "Every macro and generic test has a `macros:` entry with a description and each of its arguments "
      "described; every entry names a macro the project defines, once.")
def macro_documented(project: Project) -> Iterator[Violation]:
    """What dbt docs shows for a macro, and what outside linters (dbt-bouncer, dbt-score) judge."""
    entries, found = _entries_by_name(
        project.macro_entries, project.macros, "documented",
        lambda name: f"{name} is documented here but no macro of that name is defined: remove the entry or "
                     f"fix its name (a generic test's entry is test_<name>)")
    yield from found
    for name, macro in sorted(project.macros.items()):
        documented = entries.get(name)
        if documented is None or not documented.description:
            yield Violation(macro.rel, macro.line,
                            f"macro {name} has no description: document it in the folder's "
                            f"_<folder>__macros.yml (`macros: [{{name: {name}, description: ...}}]`)")
            continue
        listed = documented.data.get("arguments")
        described = {str(a.get("name")): a for a in (listed if isinstance(listed, list) else [])
                     if isinstance(a, Mapping)}
        for argument in macro.arguments:
            text = described.get(argument, {}).get("description")
            if not isinstance(text, str) or not text.strip():
                yield Violation(documented.rel, documented.line,
                                f"macro {name}: argument {argument} is not described under `arguments:`")
        for extra in sorted(set(described) - set(macro.arguments)):
            yield Violation(documented.rel, documented.line,
                            f"macro {name} documents an argument {extra} it does not take")
