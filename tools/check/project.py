"""Read a dbt project's files (SQL and YAML) into plain data the rules query. No dbt import.

Pure functions: `load_project(root)` walks the folders named in dbt_project.yml and returns a
`Project`; nothing is rendered, compiled or connected to.

Over 400 lines on purpose: the project's data classes and the one loader that fills them are
read together (every rule module imports this one shape), and half the file is the dataclasses.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from tools.check.config import LAYERS, CheckConfig, CheckConfigError, load_config
from tools.check.sql import REF_CALL, SOURCE_CALL, SqlFacts, macro_definitions, read_sql
from tools.check.yamlload import LineDict, YamlFileError, line_of, load_yaml_file

_SKIP_DIRS = {"target", "dbt_packages", "dbt_modules", "logs", ".venv", "venv", "node_modules", "__pycache__"}
# Config keys dbt_project.yml also accepts without the `+` (where no folder has that name).
_PLAIN_CONFIG_KEYS = {"materialized", "meta", "enabled", "schema", "database", "alias", "tags"}


@dataclass(frozen=True)
class DataTest:
    """One generic test, normalised across dbt's flat and 1.11 `arguments:` forms."""

    name: str  # without package prefix: `unique`, `relationships`, `unique_combination_of_columns`
    full_name: str
    args: Mapping[str, Any]
    line: int


@dataclass
class YamlFile:
    rel: str
    path: Path
    data: Any


@dataclass
class ModelEntry:
    """A `models:` (or `snapshots:`/`seeds:`/`macros:`) item in a properties file."""

    name: str
    rel: str
    line: int
    data: Mapping[str, Any]

    @property
    def description(self) -> str:
        value = self.data.get("description")
        return value.strip() if isinstance(value, str) else ""

    @property
    def config(self) -> Mapping[str, Any]:
        value = self.data.get("config")
        return value if isinstance(value, Mapping) else {}

    @property
    def meta(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for value in (self.data.get("meta"), self.config.get("meta")):
            if isinstance(value, Mapping):
                merged.update(value)
        return merged

    @property
    def columns(self) -> list[Mapping[str, Any]]:
        value = self.data.get("columns")
        return [c for c in value if isinstance(c, Mapping)] if isinstance(value, list) else []

    def column_tests(self, column: Mapping[str, Any]) -> list[DataTest]:
        return normalise_tests(column, line_of(column, self.line))

    def model_tests(self) -> list[DataTest]:
        return normalise_tests(self.data, self.line)


@dataclass
class Model:
    name: str
    rel: str
    parts: tuple[str, ...]  # folders below the model path, e.g. ("staging", "postgres")
    sql: SqlFacts
    entry: ModelEntry | None = None
    project_config: Mapping[str, Any] = field(default_factory=dict)

    @property
    def layer(self) -> str | None:
        return self.parts[0] if self.parts and self.parts[0] in LAYERS else None

    @property
    def folder(self) -> str | None:
        return self.parts[-1] if self.parts else None

    @property
    def meta(self) -> dict[str, Any]:
        project_meta = self.project_config.get("meta")
        merged = dict(project_meta) if isinstance(project_meta, Mapping) else {}
        if self.entry is not None:
            merged.update(self.entry.meta)
        return merged

    @property
    def materialized(self) -> tuple[str | None, str]:
        """The effective materialization and where it was set (SQL config > YAML > dbt_project.yml)."""
        if self.sql.materialized:
            return self.sql.materialized, f"{self.rel}:{self.sql.materialized_line}"
        if self.entry is not None and isinstance(self.entry.config.get("materialized"), str):
            return self.entry.config["materialized"], f"{self.entry.rel}:{self.entry.line}"
        value = self.project_config.get("materialized")
        return (value if isinstance(value, str) else None), "dbt_project.yml"

    @property
    def certified(self) -> bool:
        return self.meta.get("certified") is True


@dataclass
class SourceTable:
    source: str
    table: str
    rel: str
    line: int
    data: Mapping[str, Any]
    source_data: Mapping[str, Any]
    source_line: int

    @property
    def key(self) -> str:
        return f"{self.source}.{self.table}"

    @property
    def meta(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for scope in (self.source_data, self.data):
            for value in (scope.get("meta"), (scope.get("config") or {}).get("meta")
                          if isinstance(scope.get("config"), Mapping) else None):
                if isinstance(value, Mapping):
                    merged.update(value)
        return merged


@dataclass
class Snapshot:
    name: str
    rel: str
    line: int
    entry: ModelEntry | None = None
    # the models (or snapshots, seeds) its query refs
    refs: tuple[str, ...] = ()


@dataclass
class Seed:
    name: str
    rel: str  # the CSV file
    path: Path
    entry: ModelEntry | None = None
    project_config: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Exposure:
    name: str
    rel: str
    line: int
    data: Mapping[str, Any]

    def depends_on(self) -> Iterator[tuple[str, str]]:
        """("ref", model) and ("source", "src.table") items of `depends_on`."""
        items = self.data.get("depends_on")
        if not isinstance(items, list):
            return
        for item in items:
            if not isinstance(item, str):
                continue
            ref = REF_CALL.search(item)
            if ref:
                yield "ref", ref.group(4) or ref.group(2)
                continue
            source = SOURCE_CALL.search(item)
            if source:
                yield "source", f"{source.group(2)}.{source.group(4)}"

    @property
    def meta(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        config = self.data.get("config")
        for value in (self.data.get("meta"), config.get("meta") if isinstance(config, Mapping) else None):
            if isinstance(value, Mapping):
                merged.update(value)
        return merged


@dataclass
class MacroDef:
    """A macro of macro-paths, or a generic test of <test-path>/generic/ (named test_<name>)."""

    name: str
    rel: str
    line: int
    arguments: tuple[str, ...]


@dataclass
class Project:
    root: Path
    name: str
    dbt_project: Mapping[str, Any]
    config: CheckConfig
    model_paths: list[str]
    snapshot_paths: list[str]
    models: dict[str, Model] = field(default_factory=dict)
    model_entries: list[ModelEntry] = field(default_factory=list)
    sources: dict[str, SourceTable] = field(default_factory=dict)
    source_entries: list[SourceTable] = field(default_factory=list)
    snapshots: dict[str, Snapshot] = field(default_factory=dict)
    exposures: list[Exposure] = field(default_factory=list)
    seeds: set[str] = field(default_factory=set)
    seed_files: dict[str, Seed] = field(default_factory=dict)
    # values of a built warehouse's text columns, by relation (`tools check --warehouse`)
    warehouse_samples: dict[str, dict[str, list[str]]] | None = None
    warehouse_unreadable: dict[str, str] = field(default_factory=dict)
    yaml_files: list[YamlFile] = field(default_factory=list)
    macros: dict[str, MacroDef] = field(default_factory=dict)
    macro_entries: list[ModelEntry] = field(default_factory=list)

    def models_in(self, layer: str) -> list[Model]:
        return [m for m in self.models.values() if m.layer == layer]

    def source_of_folder(self, folder: str) -> str:
        """The source models/staging/<folder>/ declares and reads: `<source_prefix><folder>` for
        what Fivetran lands, `<folder>` itself for a source another loader writes (`loader:` other
        than fivetran, such as dbt's own run history), which takes no Fivetran prefix."""
        for table in self.source_entries:
            if (table.source == folder and PurePosixPath(table.rel).parent.name == folder
                    and str(table.source_data.get("loader", "fivetran")).lower() != "fivetran"):
                return folder
        return f"{self.config.source_prefix}{folder}"

    def skip_codes(self, subject: tuple[str, str] | None) -> set[str]:
        """Codes switched off for one model/source/exposure/snapshot by `meta: {check_skip: [...]}`."""
        if subject is None:
            return set()
        kind, name = subject
        meta: Mapping[str, Any] = {}
        if kind == "model" and name in self.models:
            meta = self.models[name].meta
        elif kind == "source" and name in self.sources:
            meta = self.sources[name].meta
        elif kind == "exposure":
            meta = next((e.meta for e in self.exposures if e.name == name), {})
        elif kind == "snapshot" and name in self.snapshots and self.snapshots[name].entry is not None:
            meta = self.snapshots[name].entry.meta  # type: ignore[union-attr]
        value = meta.get("check_skip")
        if isinstance(value, str):
            return {value}
        return {str(v) for v in value} if isinstance(value, list) else set()


def normalise_tests(owner: Mapping[str, Any], default_line: int) -> list[DataTest]:
    """The `data_tests:` and legacy `tests:` of a model or column, in one shape."""
    found: list[DataTest] = []
    for key in ("data_tests", "tests"):
        items = owner.get(key)
        if not isinstance(items, list):
            continue
        for item in items:
            if isinstance(item, str):
                found.append(DataTest(item.rsplit(".", 1)[-1], item, {}, default_line))
                continue
            if not isinstance(item, Mapping) or not item:
                continue
            line = line_of(item, default_line)
            if "test_name" in item:  # `- name: custom_name` + `test_name: unique` + flat args
                full = str(item["test_name"])
                body: Mapping[str, Any] = item
            else:
                full = str(next(iter(item)))
                body = item[full] if isinstance(item[full], Mapping) else {}
            args: dict[str, Any] = {k: v for k, v in body.items()
                                    if k not in ("config", "arguments", "name", "test_name", "description")}
            if isinstance(body.get("arguments"), Mapping):
                args.update(body["arguments"])
            found.append(DataTest(full.rsplit(".", 1)[-1], full, args, line))
    return found


def _as_list(value: Any, default: list[str]) -> list[str]:
    if value is None:
        return default
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _walk(root: Path, base: str, suffixes: tuple[str, ...]) -> Iterator[Path]:
    top = root / base
    if not top.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        for filename in sorted(filenames):
            if filename.endswith(suffixes):
                yield Path(dirpath) / filename


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _folder_config(project_name: str, dbt_project: Mapping[str, Any], section: str,
                   parts: Iterable[str]) -> dict[str, Any]:
    """`+materialized`, `+meta`, ... from dbt_project.yml for a resource at `parts` (folders + name)."""
    resolved: dict[str, Any] = {}
    tree = dbt_project.get(section)
    if not isinstance(tree, Mapping):
        return resolved

    def take(node: Mapping[str, Any]) -> None:
        for key, value in node.items():
            if not isinstance(key, str):
                continue
            is_config = key.startswith("+") or (
                key in _PLAIN_CONFIG_KEYS and (key == "meta" or not isinstance(value, Mapping)))
            if not is_config:
                continue
            name = key.lstrip("+")
            if name == "meta" and isinstance(value, Mapping):
                resolved["meta"] = {**resolved.get("meta", {}), **value}
            else:
                resolved[name] = value

    take(tree)
    node = tree.get(project_name)
    if not isinstance(node, Mapping):
        return resolved
    take(node)
    for part in parts:
        child = node.get(part)
        if not isinstance(child, Mapping):
            break
        take(child)
        node = child
    return resolved


def load_project(root: Path) -> Project:
    root = root.resolve()
    project_file = root / "dbt_project.yml"
    if not project_file.is_file():
        raise CheckConfigError(f"{root} has no dbt_project.yml")
    dbt_project = load_yaml_file(project_file, "dbt_project.yml")
    if not isinstance(dbt_project, Mapping) or not isinstance(dbt_project.get("name"), str):
        raise YamlFileError("dbt_project.yml", None, "must be a mapping with a `name`")
    name = dbt_project["name"]
    project = Project(
        root=root,
        name=name,
        dbt_project=dbt_project,
        config=load_config(root, dbt_project),
        model_paths=_as_list(dbt_project.get("model-paths"), ["models"]),
        snapshot_paths=_as_list(dbt_project.get("snapshot-paths"), ["snapshots"]),
    )

    for base in project.model_paths:
        for path in _walk(root, base, (".sql",)):
            rel = _rel(root, path)
            parts = tuple(path.relative_to(root / base).parts[:-1])
            model_name = path.stem
            text = path.read_text(encoding="utf-8", errors="replace")
            model = Model(
                name=model_name, rel=rel, parts=parts, sql=read_sql(text),
                project_config=_folder_config(name, dbt_project, "models", (*parts, model_name)),
            )
            # Two files with one name is a dbt error; keep the first and let dbt say so.
            project.models.setdefault(model_name, model)

    for base in project.snapshot_paths:
        for path in _walk(root, base, (".sql",)):
            rel = _rel(root, path)
            facts = read_sql(path.read_text(encoding="utf-8", errors="replace"))
            for call in facts.snapshots:
                snapshot = project.snapshots.setdefault(call.args[0], Snapshot(call.args[0], rel, call.line))
                snapshot.refs = tuple(c.args[0] for c in facts.refs)

    for base in _as_list(dbt_project.get("seed-paths"), ["seeds"]):
        for path in _walk(root, base, (".csv",)):
            project.seeds.add(path.stem)
            parts = (*path.relative_to(root / base).parts[:-1], path.stem)
            project.seed_files.setdefault(path.stem, Seed(path.stem, _rel(root, path), path,
                                                          project_config=_folder_config(name, dbt_project, "seeds",
                                                                                        parts)))

    _read_macros(project, dbt_project)
    yaml_bases = {*project.model_paths, *project.snapshot_paths,
                  *_as_list(dbt_project.get("seed-paths"), ["seeds"]),
                  *_as_list(dbt_project.get("analysis-paths"), ["analyses"]),
                  *_as_list(dbt_project.get("macro-paths"), ["macros"]),
                  *_as_list(dbt_project.get("test-paths"), ["tests"])}
    for base in sorted(yaml_bases):
        for path in _walk(root, base, (".yml", ".yaml")):
            rel = _rel(root, path)
            data = load_yaml_file(path, rel)
            project.yaml_files.append(YamlFile(rel=rel, path=path, data=data))
            if isinstance(data, Mapping):
                _read_properties(project, rel, data)

    for model_name, model in project.models.items():
        model.entry = next((e for e in project.model_entries if e.name == model_name), None)
    return project


def _kind(value: Any) -> str:
    return {dict: "a mapping", LineDict: "a mapping", list: "a list", str: "a string", bool: "a boolean",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _check_shape(rel: str, data: Mapping[str, Any]) -> None:
    """What dbt rejects when it parses the file: a list that is not one, an entry without a
    name, a freshness or config that is not a mapping. One message, the file and line."""
    here = line_of(data)
    for key in ("models", "snapshots", "seeds", "sources", "exposures", "unit_tests"):
        items = data.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            raise YamlFileError(rel, here, f"`{key}:` must be a list of entries, not {_kind(items)}")
        for item in items:
            if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
                raise YamlFileError(rel, line_of(item, here), f"each entry of `{key}:` is a mapping with a `name`, "
                                                              f"not {_kind(item)}")
            line = line_of(item, here)
            for field_name in ("columns", "tables", "data_tests", "tests"):
                if field_name in item and item[field_name] is not None and not isinstance(item[field_name], list):
                    raise YamlFileError(rel, line, f"{item['name']}: `{field_name}:` must be a list, "
                                                   f"not {_kind(item[field_name])}")
            for field_name in ("config", "meta", "freshness"):
                if field_name in item and item[field_name] is not None and not isinstance(item[field_name], Mapping):
                    raise YamlFileError(rel, line, f"{item['name']}: `{field_name}:` must be a mapping, "
                                                   f"not {_kind(item[field_name])}")
            for nested_key in ("tables", "columns"):
                for nested in item.get(nested_key) or []:
                    if not isinstance(nested, Mapping) or not isinstance(nested.get("name"), str):
                        raise YamlFileError(rel, line_of(nested, line),
                                            f"{item['name']}: each entry of `{nested_key}:` is a mapping with a "
                                            f"`name`, not {_kind(nested)}")
                    for field_name in ("config", "meta", "freshness"):
                        value = nested.get(field_name)
                        if value is not None and not isinstance(value, Mapping):
                            raise YamlFileError(rel, line_of(nested, line),
                                                f"{item['name']}.{nested['name']}: `{field_name}:` must be a "
                                                f"mapping, not {_kind(value)}")


def _read_macros(project: Project, dbt_project: Mapping[str, Any]) -> None:
    """The macros of macro-paths and the generic tests of <test-path>/generic/."""
    root = project.root
    macro_files = [path for base in _as_list(dbt_project.get("macro-paths"), ["macros"])
                   for path in _walk(root, base, (".sql",))]
    macro_files += [path for base in _as_list(dbt_project.get("test-paths"), ["tests"])
                    for path in _walk(root, f"{base}/generic", (".sql",))]
    for path in macro_files:
        for call in macro_definitions(path.read_text(encoding="utf-8", errors="replace")):
            project.macros.setdefault(call.args[0], MacroDef(call.args[0], _rel(root, path), call.line, call.args[1:]))


def _named_items(items: Any) -> Iterator[Mapping[str, Any]]:
    """The entries of a YAML list that are mappings with a `name:` (the shape check reports the rest)."""
    for item in items if isinstance(items, list) else []:
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            yield item


def _read_node_entries(project: Project, rel: str, data: Mapping[str, Any]) -> None:
    for item in _named_items(data.get("macros")):
        project.macro_entries.append(ModelEntry(item["name"], rel, line_of(item), item))
    for key in ("models", "snapshots", "seeds"):
        for item in _named_items(data.get(key)):
            entry = ModelEntry(item["name"], rel, line_of(item), item)
            if key == "models":
                project.model_entries.append(entry)
            elif key == "snapshots":
                existing = project.snapshots.get(entry.name)
                if existing is None:
                    project.snapshots[entry.name] = Snapshot(entry.name, rel, entry.line, entry)
                else:
                    existing.entry = entry
            elif entry.name in project.seed_files:
                project.seed_files[entry.name].entry = entry


def _read_properties(project: Project, rel: str, data: Mapping[str, Any]) -> None:
    _check_shape(rel, data)
    _read_node_entries(project, rel, data)
    for source in _named_items(data.get("sources")):
        for table in _named_items(source.get("tables")):
            source_table = SourceTable(source["name"], table["name"], rel, line_of(table), table, source,
                                       line_of(source))
            project.source_entries.append(source_table)
            project.sources.setdefault(source_table.key, source_table)
    for item in _named_items(data.get("exposures")):
        project.exposures.append(Exposure(item["name"], rel, line_of(item), item))


__all__ = [
    "DataTest", "Exposure", "LineDict", "MacroDef", "Model", "ModelEntry", "Project", "Snapshot", "SourceTable",
    "YamlFile", "load_project", "normalise_tests",
]
