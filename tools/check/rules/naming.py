"""Naming rules: prefixes per layer, staging names, snapshot names, properties-file names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from tools.check.config import LAYERS
from tools.check.findings import Violation, rule
from tools.check.project import Project

_STAGING_TABLE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


@rule("NAM001", "model-prefix", "A model's name starts with a prefix allowed for its layer folder.")
def model_prefix(project: Project) -> Iterator[Violation]:
    for model in project.models.values():
        if model.layer is None:
            continue
        allowed = project.config.prefixes.get(model.layer, [])
        if allowed and not any(model.name.startswith(p) for p in allowed):
            yield Violation(model.rel, 1,
                            f"{model.name} is in models/{model.layer}/ but does not start with "
                            f"{' or '.join(allowed)}: rename it or move it to the right layer",
                            ("model", model.name))


@rule("NAM002", "staging-name",
      "Staging models are <prefix><source>__<table>.sql in models/staging/<source>/ (prefix stg_, or "
      "another staging prefix of pyproject.toml such as base_).")
def staging_name(project: Project) -> Iterator[Violation]:
    prefixes = project.config.prefixes.get("staging") or ["stg_"]
    for model in project.models_in("staging"):
        if len(model.parts) != 2:
            yield Violation(model.rel, 1,
                            f"{model.name} must live directly in models/staging/<source>/ "
                            f"(it is in {'/'.join(model.parts)}/)", ("model", model.name))
            continue
        source = model.parts[1]
        table = next((model.name[len(f"{p}{source}__"):] for p in prefixes
                      if model.name.startswith(f"{p}{source}__")), "")
        if not _STAGING_TABLE.match(table):
            names = " or ".join(f"{p}{source}__<table>" for p in prefixes)
            yield Violation(model.rel, 1,
                            f"{model.name} is in models/staging/{source}/ so must be named "
                            f"{names} (lower case, double underscore)", ("model", model.name))


@rule("NAM003", "model-location",
      "Every model lives in models/<staging|intermediate|marts>/<folder>/.")
def model_location(project: Project) -> Iterator[Violation]:
    for model in project.models.values():
        if model.layer is None:
            yield Violation(model.rel, 1,
                            f"{model.name} is outside the layer folders: move it under "
                            f"models/{{{','.join(LAYERS)}}}/<folder>/", ("model", model.name))
        elif len(model.parts) < 2:
            yield Violation(model.rel, 1,
                            f"{model.name} sits directly in models/{model.layer}/: move it into a "
                            f"{'source' if model.layer == 'staging' else 'domain'} folder below it",
                            ("model", model.name))


@rule("NAM004", "snapshot-prefix", "Snapshots are named snap_<entity>.")
def snapshot_prefix(project: Project) -> Iterator[Violation]:
    prefix = project.config.snapshot_prefix
    for snapshot in project.snapshots.values():
        if not snapshot.name.startswith(prefix):
            yield Violation(snapshot.rel, snapshot.line,
                            f"snapshot {snapshot.name} must be named {prefix}<entity>", ("snapshot", snapshot.name))


def _yaml_scope(project: Project, rel: str) -> tuple[str, bool] | None:
    """(folder the properties file is named after, is it the root of a resource path), or None
    when naming does not apply to the file."""
    path = PurePosixPath(rel)
    for base in (*project.model_paths, *project.snapshot_paths):
        base_parts = PurePosixPath(base).parts
        if path.parts[: len(base_parts)] == base_parts:
            return path.parent.name, len(path.parts) == len(base_parts) + 1
    return None


@rule("NAM005", "yaml-file-name",
      "Properties files are named _<folder>__<kind>.yml (kind: sources, models, exposures, ...).")
def yaml_file_name(project: Project) -> Iterator[Violation]:
    """`_<folder>__<kind>.yml`; intermediate folders may also say `_int_<folder>__models.yml`, and a
    file at the root of a resource folder (snapshots/) may simply be `_<folder>.yml`."""
    kinds = "|".join(re.escape(k) for k in project.config.yaml_kinds)
    for yaml_file in project.yaml_files:
        scope = _yaml_scope(project, yaml_file.rel)
        if scope is None:
            continue
        folder, at_root = scope
        name = PurePosixPath(yaml_file.rel).name
        pattern = rf"^_(?:int_)?{re.escape(folder)}__(?:{kinds})\.yml$"
        if re.match(pattern, name) or (at_root and name == f"_{folder}.yml"):
            continue
        yield Violation(yaml_file.rel, 1,
                        f"{name} should be named _{folder}__<kind>.yml, e.g. _{folder}__models.yml "
                        f"or _{folder}__sources.yml")


@rule("NAM006", "yaml-file-content",
      "`sources:` live only in _<folder>__sources.yml files, which hold nothing but sources.")
def yaml_file_content(project: Project) -> Iterator[Violation]:
    for yaml_file in project.yaml_files:
        if _yaml_scope(project, yaml_file.rel) is None or not isinstance(yaml_file.data, dict):
            continue
        name = PurePosixPath(yaml_file.rel).name
        is_sources_file = name.endswith("__sources.yml")
        keys = [k for k in yaml_file.data if k != "version"]
        if not is_sources_file and "sources" in keys:
            yield Violation(yaml_file.rel, 1,
                            f"{name} declares sources: move them to the folder's _<folder>__sources.yml")
        if is_sources_file:
            for key in keys:
                if key != "sources":
                    yield Violation(yaml_file.rel, 1,
                                    f"{name} is a sources file but also declares {key}: move them to "
                                    f"_<folder>__models.yml")


@rule("NAM007", "source-name",
      "Sources are declared in models/staging/<source>/ and named <source_prefix><source> (<source> "
      "alone when their loader is not Fivetran).")
def source_name(project: Project) -> Iterator[Violation]:
    seen: set[tuple[str, str]] = set()
    for table in project.source_entries:
        if (table.rel, table.source) in seen:
            continue
        seen.add((table.rel, table.source))
        parts = PurePosixPath(table.rel).parts
        in_staging = any(parts[: len(PurePosixPath(b).parts) + 1] == (*PurePosixPath(b).parts, "staging")
                         for b in project.model_paths) and len(parts) >= 3
        if not in_staging:
            yield Violation(table.rel, table.source_line,
                            f"source {table.source} is declared outside models/staging/<source>/: move it "
                            f"next to its staging models", ("source", table.key))
            continue
        folder = PurePosixPath(table.rel).parent.name
        expected = project.source_of_folder(folder)
        if table.source != expected:
            yield Violation(table.rel, table.source_line,
                            f"source {table.source} in models/staging/{folder}/ must be named {expected}",
                            ("source", table.key))
