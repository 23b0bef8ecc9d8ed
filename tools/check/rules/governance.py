"""Governance rules: what exposures may depend on, and materialization per layer (SDD, dbt Design)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tools.check.findings import Violation, rule
from tools.check.project import Project
from tools.check.yamlload import line_of
from tools.pii import PII_NAME, PII_VALUE


@rule("GOV001", "exposure-certified",
      "Exposures depend only on models marked `meta: {certified: true}`.")
def exposure_certified(project: Project) -> Iterator[Violation]:
    for exposure in project.exposures:
        for kind, name in exposure.depends_on():
            subject = ("exposure", exposure.name)
            if kind == "source":
                yield Violation(exposure.rel, exposure.line,
                                f"exposure {exposure.name} depends on source {name}: BI reads certified marts only",
                                subject)
                continue
            model = project.models.get(name)
            if model is None:
                yield Violation(exposure.rel, exposure.line,
                                f"exposure {exposure.name} depends on {name}, which is no model of this project",
                                subject)
            elif not model.certified:
                yield Violation(exposure.rel, exposure.line,
                                f"exposure {exposure.name} depends on {name}, which is not certified: set "
                                f"`config: {{meta: {{certified: true}}}}` on it once reviewed, or drop it",
                                subject)


@rule("GOV002", "layer-materialization",
      "Models are materialized as their layer (or name prefix) allows: by default staging views, "
      "intermediate and marts tables or incremental; [tool.fieldforce.check.materializations] changes it.")
def layer_materialization(project: Project) -> Iterator[Violation]:
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
            yield Violation(model.rel, line,
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


NOT_PERSONAL = ("none", "false")


def _yaml_columns(entry: Any) -> dict[str, Mapping[str, Any]]:
    columns: dict[str, Mapping[str, Any]] = {}
    if entry is not None:
        for column in entry.columns:
            if isinstance(column.get("name"), str):
                columns[column["name"].lower()] = column
    return columns


def _pii_class(column: Mapping[str, Any] | None) -> str | None:
    """The column's class: a name such as 'email', 'none' for not personal data, None if absent."""
    value = column_pii(column) if column is not None else None
    if value is None:
        return None
    return "none" if value is False or str(value).lower() in NOT_PERSONAL else str(value)


@dataclass(frozen=True)
class _Node:
    """A model, snapshot or seed, as the personal-data rules see it."""

    kind: str
    name: str
    entry: Any  # its YAML entry, or None
    rel: str  # its SQL or CSV file
    refs: tuple[str, ...] = ()
    relations: frozenset[str] = frozenset()  # its names in a warehouse: the node's, and its alias
    model: Any = None

    @property
    def columns(self) -> dict[str, Mapping[str, Any]]:
        return _yaml_columns(self.entry)

    def at(self, column_name: str | None = None) -> tuple[str, int]:
        """Where a finding about the node (or one of its YAML columns) points."""
        if self.entry is None:
            return self.rel, 1
        column = self.columns.get(column_name) if column_name else None
        return self.entry.rel, line_of(column, self.entry.line) if column is not None else self.entry.line


def _relations(name: str, config: Mapping[str, Any]) -> frozenset[str]:
    alias = config.get("alias")
    return frozenset({name.lower(), *([alias.lower()] if isinstance(alias, str) else [])})


def _nodes(project: Project) -> list[_Node]:
    nodes = [_Node("model", m.name, m.entry, m.rel, tuple(c.args[0] for c in m.sql.refs),
                   _relations(m.name, m.project_config), m) for m in project.models.values()]
    nodes += [_Node("snapshot", s.name, s.entry, s.rel, s.refs, _relations(s.name, {}))
              for s in project.snapshots.values()]
    nodes += [_Node("seed", s.name, s.entry, s.rel, (), _relations(s.name, s.project_config))
              for s in project.seed_files.values()]
    return nodes


def _classified(nodes: list[_Node]) -> dict[str, dict[str, str]]:
    """Node name -> its columns classified as personal data -> their class."""
    return {node.name: {c: str(k) for c, col in node.columns.items() if (k := _pii_class(col)) not in (None, "none")}
            for node in nodes}


def _tag_hint(project: Project) -> str:
    return f"`config: {{meta: {{pii: <class>}}}}` ({', '.join(project.config.pii_classes)})"


def _sample_csv(path: Any, limit: int = 1000) -> tuple[list[str], list[list[str]]]:
    import csv

    with open(path, newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        rows = list(itertools.islice(reader, limit))
    return [h.strip().lower() for h in header], rows


@rule("GOV003", "pii-classified",
      "Columns that look like personal data carry `meta: {pii: <class>}` (or `pii: none`) in every "
      "model, snapshot and seed: by their name, by a classified column of that name upstream, or, in "
      "seeds, by their values; the class is one a masking policy exists for.")
def pii_classified(project: Project) -> Iterator[Violation]:
    """The masking post-hook (macros/snowflake/apply_masking_policies.sql) masks exactly the classified columns,
    in every layer, so an unclassified email, name or address would reach its readers in clear.
    `pii: none` (or false) says a column that only looks like one (`has_email`) is not personal."""
    classes = set(project.config.pii_classes)
    hint = _tag_hint(project)
    nodes = _nodes(project)
    upstream = _classified(nodes)
    for node in nodes:
        reported: set[str] = set()  # one finding per column, from the first reason found
        yield from _declared_pii(node, classes, hint, reported)
        yield from _selected_pii(node, hint, reported)
        yield from _inherited_pii(node, upstream, hint, reported)
        if node.kind == "seed":
            yield from _seed_pii(project, node, hint, reported)


def _unclassified(node: _Node, column_name: str, reported: set[str]) -> bool:
    return column_name not in reported and _pii_class(node.columns.get(column_name)) is None


def _declared_pii(node: _Node, classes: set[str], hint: str, reported: set[str]) -> Iterator[Violation]:
    """YAML columns with a class no masking policy exists for, or named like personal data."""
    subject = (node.kind, node.name)
    for column_name, column in node.columns.items():
        found = _pii_class(column)
        if found is not None and found != "none" and found not in classes:
            reported.add(column_name)
            yield Violation(*node.at(column_name),
                            f"{node.name}.{column_name}: pii class '{found}' has no masking policy; use one of "
                            f"{', '.join(sorted(classes))}, or `none`", subject)
        elif found is None and PII_NAME.fullmatch(column_name):
            reported.add(column_name)
            yield Violation(*node.at(column_name),
                            f"{node.name}.{column_name} looks like personal data: classify it {hint} so it is "
                            f"masked on Snowflake, or `pii: none` if it is not", subject)


def _selected_pii(node: _Node, hint: str, reported: set[str]) -> Iterator[Violation]:
    """Columns the SQL selects under a personal-data name that the YAML does not list."""
    for call in node.model.sql.pii_names if node.model is not None else ():
        column_name = call.args[0]
        if not _unclassified(node, column_name, reported):
            continue
        reported.add(column_name)
        yield Violation(node.rel, call.line,
                        f"{node.name} selects {column_name}, which looks like personal data but has no YAML column "
                        f"classified {hint}: document and classify it so it is masked on Snowflake "
                        f"(`pii: none` if it is not personal data)", (node.kind, node.name))


def _inherited_pii(node: _Node, upstream: dict[str, dict[str, str]], hint: str,
                   reported: set[str]) -> Iterator[Violation]:
    """Columns classified upstream, kept under their name or renamed (`last_name as surname`)."""
    subject = (node.kind, node.name)
    keeps = "keeps every column" if node.kind == "snapshot" else "stores its own copy"
    for ref in node.refs:
        for column_name, found in sorted(upstream.get(ref, {}).items()):
            if not _unclassified(node, column_name, reported):
                continue
            if column_name in node.columns or node.kind == "snapshot":
                reported.add(column_name)
                yield Violation(*node.at(column_name),
                                f"{node.name}.{column_name} comes from {ref}, where it is classified pii: {found}: "
                                f"classify it here too (a {node.kind} {keeps})", subject)
    classified_upstream = {c: (ref, k) for ref in node.refs for c, k in upstream.get(ref, {}).items()}
    for call in node.model.sql.aliased if node.model is not None else ():
        alias, *inputs = call.args
        origin = next((classified_upstream[i] for i in inputs if i in classified_upstream), None)
        if origin is None or not _unclassified(node, alias, reported):
            continue
        if alias in classified_upstream or alias not in node.model.sql.outputs:
            continue  # the same name (the lineage check above speaks for it), or not in the model
        reported.add(alias)
        yield Violation(node.rel, call.line,
                        f"{node.name} derives {alias} from {', '.join(i for i in inputs if i in classified_upstream)}, "
                        f"classified pii: {origin[1]} in {origin[0]}: list {alias} in the YAML and classify it "
                        f"(`pii: none` if it holds nothing personal, such as a count)", subject)


def _seed_pii(project: Project, node: _Node, hint: str, reported: set[str]) -> Iterator[Violation]:
    """Seed columns that look like personal data by their name or by their values."""
    header, rows = _sample_csv(project.seed_files[node.name].path)
    for i, column_name in enumerate(header):
        if not _unclassified(node, column_name, reported):
            continue
        values = [row[i].strip() for row in rows if i < len(row) and row[i].strip()]
        if PII_NAME.fullmatch(column_name) or any(PII_VALUE.fullmatch(v) for v in values):
            yield Violation(*node.at(column_name),
                            f"seed {node.name}.{column_name} looks like personal data (by its name or values): "
                            f"classify it {hint} in the seeds' YAML, or `pii: none` if it is not",
                            (node.kind, node.name))


@rule("GOV004", "pii-values",
      "With --warehouse: a column of a built relation that looks like emails or phone numbers, or that a "
      "ref'd node classifies, is classified `meta: {pii: <class>}` (or `pii: none`); every relation can be read.")
def pii_values(project: Project) -> Iterator[Violation]:
    """What GOV003 cannot see from names: `notes` holding emails, a renamed `contact`. A sample of
    each text column (tools/check/warehouse.py) is matched against PII_VALUE."""
    samples = project.warehouse_samples
    if not samples:
        return
    hint = _tag_hint(project)
    nodes = _nodes(project)
    upstream = _classified(nodes)
    for node in nodes:
        kind, name, subject = node.kind, node.name, (node.kind, node.name)
        columns = node.columns
        values: dict[str, list[str]] = {}
        for relation in sorted(node.relations):
            if relation in project.warehouse_unreadable:
                yield Violation(*node.at(),
                                f"{kind} {name}: its relation in the warehouse cannot be read, so its values were not "
                                f"checked: {project.warehouse_unreadable[relation]}", subject)
            for column_name, sampled in samples.get(relation, {}).items():
                values.setdefault(column_name, []).extend(sampled)
        for column_name, sampled in sorted(values.items()):
            if _pii_class(columns.get(column_name)) is not None:
                continue
            # a column the built relation really has, classified where it comes from (`select *`,
            # a column the YAML does not list)
            origin = next(((ref, upstream[ref][column_name]) for ref in node.refs
                           if column_name in upstream.get(ref, {})), None)
            if origin is not None:
                yield Violation(*node.at(column_name),
                                f"{kind} {name} has a column {column_name} in the warehouse, classified "
                                f"pii: {origin[1]} in {origin[0]} where it comes from: list and classify it "
                                "here too", subject)
                continue
            example = next((v for v in sampled if PII_VALUE.search(v)), None)
            if example is None:
                continue
            kind_of = "an email address" if "@" in example else "a phone number"
            yield Violation(*node.at(column_name),
                            f"{kind} {name}.{column_name} holds values like {kind_of} in the warehouse: classify it "
                            f"{hint}, or `pii: none` if it is not personal data", subject)


@rule("GOV005", "certified-under-contract",
      "Certified models are `access: public` with an enforced contract (a data_type on every column), "
      "belong to a group (their owner) and carry a domain tag.")
def certified_under_contract(project: Project) -> Iterator[Violation]:
    """What Sigma reads cannot change shape unannounced: a column renamed, dropped or retyped fails
    the build at the certified model, before Sigma sees it (docs/governance.md)."""
    for model in sorted(project.models.values(), key=lambda m: m.name):
        entry = model.entry
        if not model.certified or entry is None:
            continue
        subject = ("model", model.name)

        def setting(key: str, entry: Any = entry, model: Any = model) -> Any:
            for source in (entry.config, entry.data, model.project_config):
                if key in source:
                    return source[key]
            return None

        contract = setting("contract")
        problems = []
        if setting("access") != "public":
            problems.append("`access: public`")
        if not (isinstance(contract, Mapping) and contract.get("enforced") is True):
            problems.append("`contract: {enforced: true}`")
        if not setting("group"):
            problems.append("a group (its owner; `+group` per folder in dbt_project.yml)")
        if not setting("tags"):
            problems.append("a domain tag (`+tags` per folder in dbt_project.yml)")
        untyped = [str(c.get("name")) for c in entry.columns if not c.get("data_type")]
        if untyped:
            problems.append(f"a data_type on {', '.join(untyped[:5])}{' ...' if len(untyped) > 5 else ''}")
        if problems:
            yield Violation(entry.rel, entry.line,
                            f"{model.name} is certified but lacks {'; '.join(problems)}", subject)
