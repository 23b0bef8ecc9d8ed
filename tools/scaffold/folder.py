"""Step 3 (pure once the folder is read): the desired files against what the folder holds:
hand-edit detection by the manifest's hashes, YAML merged into the files as they are, and what the
YAML lists that the connector no longer has."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from tools.errors import ToolError
from tools.fsio import read_text
from tools.scaffold.render import Rendered
from tools.scaffold.resolve import Model
from tools.scaffold.yamlio import Unmatched, merge, unmatched

MANIFEST = ".scaffold.json"

ADDED = "added"
UPDATED = "updated"
UNCHANGED = "unchanged"
LEFT_ALONE = "left alone"


@dataclass
class FileChange:
    path: Path
    status: str
    old: str | None
    new: str  # what would be written (for LEFT_ALONE: what the generator would write)
    detail: str = ""

    @property
    def writes(self) -> bool:
        return self.status in (ADDED, UPDATED)


@dataclass
class Outcome:
    """What a run found and did; the command line prints it (tools/scaffold/report.py)."""

    folder: Path
    changes: list[FileChange]
    notes: list[str]
    manifest: FileChange | None = None
    # listed in the YAML files but no longer in the connector: reported, never removed, since
    # the entries may carry hand-written docs and tests, and models downstream may still use them
    gone: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # tables of the connector not staged, and why

    @property
    def out_of_date(self) -> bool:
        return any(change.writes for change in self.changes)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _parse_manifest(folder: Path, text: str | None) -> dict[str, str]:
    if text is None:
        return {}
    try:
        doc = json.loads(text)
        files = doc["files"]
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            raise ValueError
        return dict(files)
    except (ValueError, KeyError, TypeError, RecursionError):
        raise ToolError(f"{folder / MANIFEST} is damaged; "
                        "delete it to treat every existing SQL file as hand-edited") from None


def render_manifest(files: dict[str, str]) -> str:
    doc = {
        "about": "Written by `tools scaffold-source`: SHA-256 of each staging SQL file as last generated. "
        "A file whose hash differs was edited by hand and is never overwritten.",
        "files": dict(sorted(files.items())),
    }
    return json.dumps(doc, indent=2) + "\n"


@dataclass(frozen=True)
class FolderState:
    """What the staging folder holds, read once: the manifest and the files the plan compares."""

    folder: Path
    manifest: dict[str, str]
    manifest_text: str | None
    sources_text: str | None
    models_text: str | None
    sources_path: Path
    models_path: Path
    sql: dict[str, str | None]  # file name -> its text, None when absent


def read_folder(folder: Path, rendered: Rendered) -> FolderState:
    """The only reads of the plan: the manifest, the two YAML files and the SQL files it would write."""
    manifest_text = read_text(folder / MANIFEST)
    sources_path = folder / f"_{rendered.settings.source}__sources.yml"
    models_path = folder / f"_{rendered.settings.source}__models.yml"
    return FolderState(
        folder=folder,
        manifest=_parse_manifest(folder, manifest_text),
        manifest_text=manifest_text,
        sources_text=read_text(sources_path),
        models_text=read_text(models_path),
        sources_path=sources_path,
        models_path=models_path,
        sql={name: read_text(folder / name) for name in rendered.sql},
    )


def plan_folder(rendered: Rendered, state: FolderState, complete: bool = True) -> Outcome:
    """Compare what the connector needs with what the folder holds; nothing is read or written.
    `complete`: the models are the whole connector, so what the YAML lists beyond them has gone."""
    folder, sources_path, models_path = state.folder, state.sources_path, state.models_path
    new_manifest = dict(state.manifest)
    changes: list[FileChange] = []
    yaml_models: list[Model] = []
    # what the sources file lists beyond the connector: gone, or (for a table known from a schema
    # config alone, which lists only the columns someone changed) columns it may still sync
    beyond = unmatched(state.sources_text, rendered.sources, what=str(sources_path))
    unlisted_columns: dict[str, set[str]] = {}
    for item in beyond:
        if item.kind == "column":
            unlisted_columns.setdefault(item.within[-1].lower(), set()).add(item.name.lower())
    for model in rendered.models:
        filename = rendered.file_name(model)
        path = folder / filename
        desired = rendered.sql[filename]
        current = state.sql.get(filename)
        # regenerating from a schema config alone would drop from the model the columns it does
        # not list; one turned off in Fivetran is gone for sure
        unlisted = ([] if model.table.columns_complete
                    else sorted(unlisted_columns.get(model.name.lower(), set())
                                - {c.lower() for c in model.table.disabled_columns}))
        if current is not None and current != desired and unlisted:
            changes.append(
                FileChange(path, LEFT_ALONE, current, desired,
                           f"the schema config alone does not list {', '.join(unlisted)}: give --table-columns "
                           "or reach the landed tables to regenerate it")
            )
        elif current is None:
            changes.append(FileChange(path, ADDED, None, desired))
            new_manifest[filename] = _sha(desired)
            yaml_models.append(model)
        elif current == desired:
            changes.append(FileChange(path, UNCHANGED, current, desired))
            new_manifest[filename] = _sha(desired)
            yaml_models.append(model)
        elif state.manifest.get(filename) == _sha(current):
            changes.append(FileChange(path, UPDATED, current, desired, "regenerated: the connector changed"))
            new_manifest[filename] = _sha(desired)
            yaml_models.append(model)
        else:
            changes.append(
                FileChange(path, LEFT_ALONE, current, desired,
                           "edited by hand; its YAML entry is not extended either")
            )

    gone = _gone_from_connector(rendered, yaml_models, state, beyond) if complete else []
    for path, current, doc in (
        (sources_path, state.sources_text, rendered.sources),
        (models_path, state.models_text, rendered.models_doc(yaml_models)),
    ):
        if "models" in doc and not doc["models"]:  # every SQL file is hand-edited
            if current is not None:
                changes.append(FileChange(path, UNCHANGED, current, current))
            continue
        merged, added = merge(current, doc, what=str(path))
        if current is None:
            changes.append(FileChange(path, ADDED, None, merged))
        elif merged == current:
            changes.append(FileChange(path, UNCHANGED, current, current))
        else:
            changes.append(FileChange(path, UPDATED, current, merged, "added " + _summary(added)))

    outcome = Outcome(folder=folder, changes=changes, notes=[], gone=gone)
    manifest_text = render_manifest(new_manifest)
    if manifest_text != state.manifest_text:
        outcome.manifest = FileChange(folder / MANIFEST, ADDED if state.manifest_text is None else UPDATED,
                                      state.manifest_text, manifest_text)
    return outcome


def _gone_from_connector(
    rendered: Rendered,
    yaml_models: list[Model],
    state: FolderState,
    beyond_sources: list[Unmatched],
) -> list[str]:
    """What the folder's YAML lists for this connector that the connector no longer has: its
    tables and their columns (`beyond_sources`: the sources file against the whole connector);
    the models the scaffolder generated, and their columns.

    Not compared: other sources in the sources file, models the scaffolder never wrote, the
    columns of a hand-edited model (its author's) and the columns of a table known from a schema
    config alone (which lists only the columns someone changed).
    """
    partial = {model.name.lower() for model in rendered.models if not model.table.columns_complete}
    from_sources = [
        item for item in beyond_sources
        if item.kind != "source" and not (item.kind == "column" and item.within[-1].lower() in partial)
    ]
    trusted = {rendered.file_name(model) for model in yaml_models if model.name.lower() not in partial}
    every_model = {"version": 2, "models": [
        entry if name in trusted else {key: value for key, value in entry.items() if key != "columns"}
        for name, entry in rendered.entries.items()
    ]}
    from_models = [
        item for item in unmatched(state.models_text, every_model, what=str(state.models_path))
        if item.kind != "model" or f"{item.name}.sql" in state.manifest
    ]
    return ([f"{state.sources_path.name}: {item}" for item in from_sources]
            + [f"{state.models_path.name}: {item}" for item in from_models])


def _summary(added: list[str]) -> str:
    """`model stg_x__a, stg_x__b.column c` for a few additions; counts by kind for many."""
    if len(added) <= 5:
        return ", ".join(added)
    kinds: dict[str, int] = {}
    for item in added:
        kind = item.rsplit(" ", 1)[0].rsplit(".", 1)[-1]
        kinds[kind] = kinds.get(kind, 0) + 1
    return ", ".join(f"{count} {kind}{'s' if count > 1 else ''}" for kind, count in kinds.items())
